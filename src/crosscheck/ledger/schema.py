"""The ledger's schema as named migrations, applied in order, each in one transaction.

A migration is never edited once released: changes come as new migrations appended here.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_documents",
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            origin TEXT NOT NULL,
            outlet TEXT,
            title TEXT,
            url TEXT,
            published TEXT,
            language TEXT,
            author TEXT,
            duplicate_of TEXT REFERENCES documents(id),
            added_at TEXT NOT NULL
        );
        CREATE INDEX documents_published ON documents(published);
        CREATE INDEX documents_duplicate_of ON documents(duplicate_of);
        CREATE TABLE document_bands (
            band_key INTEGER NOT NULL,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            PRIMARY KEY (band_key, doc)
        ) WITHOUT ROWID;
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        """,
    ),
]

MIGRATIONS.append(
    (
        "0002_analysis",
        """
        CREATE TABLE analyses (
            doc TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            version TEXT NOT NULL,
            flags TEXT NOT NULL DEFAULT '[]',
            analysed_at TEXT NOT NULL
        );
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            kind TEXT,
            aliases TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX entities_doc ON entities(doc);
        CREATE TABLE entity_mentions (
            entity TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            stop INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (entity, start)
        );
        CREATE INDEX entity_mentions_doc ON entity_mentions(doc, start);
        CREATE TABLE places (
            id TEXT PRIMARY KEY,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            country TEXT,
            admin1 TEXT,
            lat REAL,
            lon REAL,
            feature TEXT NOT NULL,
            gazetteer_id TEXT
        );
        CREATE INDEX places_doc ON places(doc);
        CREATE INDEX places_gazetteer ON places(gazetteer_id);
        CREATE TABLE place_mentions (
            place TEXT NOT NULL REFERENCES places(id) ON DELETE CASCADE,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            stop INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (place, start)
        );
        CREATE TABLE relations (
            id TEXT PRIMARY KEY,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            subject TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            predicate TEXT NOT NULL,
            object TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            stop INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX relations_doc ON relations(doc);
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            stop INTEGER NOT NULL,
            text TEXT NOT NULL,
            sentence_start INTEGER NOT NULL,
            sentence_stop INTEGER NOT NULL,
            source_text TEXT NOT NULL,
            source_kind TEXT NOT NULL,
            source_entity TEXT REFERENCES entities(id) ON DELETE SET NULL,
            source_start INTEGER,
            source_stop INTEGER,
            via TEXT NOT NULL DEFAULT '[]',
            cue TEXT,
            quote TEXT NOT NULL,
            certainty TEXT NOT NULL,
            polarity TEXT NOT NULL,
            kind TEXT NOT NULL,
            entities TEXT NOT NULL DEFAULT '[]',
            places TEXT NOT NULL DEFAULT '[]',
            figures TEXT NOT NULL DEFAULT '[]',
            when_start TEXT,
            when_end TEXT,
            when_precision TEXT,
            when_text TEXT,
            event_type TEXT,
            terms TEXT NOT NULL DEFAULT '[]',
            subjects TEXT NOT NULL DEFAULT '[]',
            denial INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX claims_doc ON claims(doc);
        CREATE INDEX claims_source_entity ON claims(source_entity);
        CREATE VIRTUAL TABLE claims_fts USING fts5(
            text, content='claims', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
            INSERT INTO claims_fts(rowid, text) VALUES (new.rowid, new.text);
        END;
        CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        END;
        CREATE TABLE figures (
            id TEXT PRIMARY KEY,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            claim TEXT REFERENCES claims(id) ON DELETE SET NULL,
            start INTEGER NOT NULL,
            stop INTEGER NOT NULL,
            text TEXT NOT NULL,
            value REAL NOT NULL,
            low REAL,
            high REAL,
            qualifier TEXT,
            category TEXT NOT NULL,
            what TEXT NOT NULL,
            as_of TEXT,
            place TEXT REFERENCES places(id) ON DELETE SET NULL,
            part_of TEXT REFERENCES figures(id) ON DELETE SET NULL
        );
        CREATE INDEX figures_doc ON figures(doc);
        CREATE INDEX figures_category ON figures(category, value);
        CREATE INDEX figures_claim ON figures(claim);
        """,
    )
)

MIGRATIONS.append(
    (
        "0003_resolve",
        """
        CREATE TABLE judgements (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            decision TEXT NOT NULL,
            score REAL,
            features TEXT NOT NULL DEFAULT '{}',
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX judgements_a ON judgements(kind, a);
        CREATE INDEX judgements_b ON judgements(kind, b);
        CREATE INDEX judgements_author ON judgements(author, kind);
        CREATE TABLE name_key_counts (
            key TEXT PRIMARY KEY,
            n INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE actors (
            entity TEXT PRIMARY KEY REFERENCES entities(id) ON DELETE CASCADE,
            actor TEXT NOT NULL
        );
        CREATE INDEX actors_actor ON actors(actor);
        CREATE TABLE name_keys (
            key TEXT NOT NULL,
            entity TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            PRIMARY KEY (key, entity)
        ) WITHOUT ROWID;
        CREATE TABLE key_counts (
            key TEXT PRIMARY KEY,
            n INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE claim_origins (
            claim TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            kind TEXT NOT NULL,
            chain TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX claim_origins_origin ON claim_origins(origin);
        CREATE TABLE claim_keys (
            key TEXT NOT NULL,
            claim TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            PRIMARY KEY (key, claim)
        ) WITHOUT ROWID;
        CREATE TABLE memberships (
            claim TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            cluster TEXT NOT NULL,
            stance TEXT NOT NULL,
            score REAL
        );
        CREATE INDEX memberships_cluster ON memberships(cluster);
        CREATE TABLE clusters (
            id TEXT PRIMARY KEY,
            proposition TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL,
            origins TEXT NOT NULL DEFAULT '[]',
            refuted_by TEXT NOT NULL DEFAULT '[]',
            size INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX clusters_status ON clusters(status);
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            before TEXT,
            after TEXT,
            doc TEXT,
            reason TEXT
        );
        CREATE INDEX changes_at ON changes(at);
        CREATE TABLE series (
            id TEXT PRIMARY KEY,
            category TEXT NOT NULL,
            what TEXT NOT NULL,
            place TEXT,
            source TEXT,
            origin TEXT NOT NULL,
            counted TEXT NOT NULL
        );
        CREATE INDEX series_origin ON series(origin, category, counted);
        CREATE TABLE series_points (
            figure TEXT PRIMARY KEY REFERENCES figures(id) ON DELETE CASCADE,
            series TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            value REAL NOT NULL,
            as_of TEXT
        );
        CREATE INDEX series_points_series ON series_points(series, as_of);
        """,
    )
)

MIGRATIONS.append(
    (
        "0004_claim_edges",
        """
        CREATE TABLE claim_edges (
            a TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            b TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            apart INTEGER NOT NULL DEFAULT 0,
            features TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (a, b)
        ) WITHOUT ROWID;
        CREATE INDEX claim_edges_b ON claim_edges(b);
        CREATE TABLE claim_vectors (
            claim TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            vector BLOB NOT NULL
        );
        DELETE FROM judgements WHERE kind = 'cluster' AND author = 'auto';
        """,
    )
)

MIGRATIONS.append(
    (
        "0005_watch",
        """
        CREATE TABLE watch_feeds (
            source TEXT PRIMARY KEY,
            polls INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            added INTEGER NOT NULL DEFAULT 0,
            last_ok TEXT,
            last_error TEXT,
            next_at TEXT,
            seen TEXT NOT NULL DEFAULT '[]'
        );
        """,
    )
)

MIGRATIONS.append(
    (
        "0006_structure",
        """
        CREATE TABLE document_structure (
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (doc, start)
        ) WITHOUT ROWID;
        """,
    )
)

# The read side at a million claims (issue 12): the cluster board's sort keys and facts are
# stored on each cluster (kept by `recompute_cluster`), so the board pages by an index; actors'
# mention counts are kept by triggers in `actor_board`, so the entity list pages by an index.
MIGRATIONS.append(
    (
        "0007_read_indexes",
        """
        CREATE INDEX relations_object ON relations(object);  -- who speaks for an actor, on actor merges
        ALTER TABLE clusters ADD COLUMN n_origins INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE clusters ADD COLUMN first_published TEXT;
        ALTER TABLE clusters ADD COLUMN last_published TEXT;
        ALTER TABLE clusters ADD COLUMN outlets TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE clusters ADD COLUMN docs INTEGER NOT NULL DEFAULT 0;
        UPDATE clusters SET n_origins = json_array_length(origins),
            first_published = (SELECT min(d.published) FROM memberships m JOIN claims c ON c.id = m.claim
                JOIN documents d ON d.id = c.doc WHERE m.cluster = clusters.id),
            last_published = (SELECT max(d.published) FROM memberships m JOIN claims c ON c.id = m.claim
                JOIN documents d ON d.id = c.doc WHERE m.cluster = clusters.id),
            outlets = (SELECT json_group_array(outlet) FROM (SELECT DISTINCT d.outlet FROM memberships m
                JOIN claims c ON c.id = m.claim JOIN documents d ON d.id = c.doc
                WHERE m.cluster = clusters.id AND d.outlet != '' ORDER BY d.outlet)),
            docs = (SELECT count(DISTINCT c.doc) FROM memberships m JOIN claims c ON c.id = m.claim
                WHERE m.cluster = clusters.id);
        CREATE INDEX clusters_by_size ON clusters(size DESC, id);
        CREATE INDEX clusters_status_size ON clusters(status, size DESC, id);
        CREATE INDEX clusters_by_origins ON clusters(n_origins DESC, size DESC, coalesce(last_published, '') DESC, id);
        CREATE INDEX clusters_status_origins
            ON clusters(status, n_origins DESC, size DESC, coalesce(last_published, '') DESC, id);
        CREATE INDEX clusters_by_recency ON clusters(coalesce(last_published, '') DESC, size DESC, id);
        CREATE INDEX clusters_status_recency ON clusters(status, coalesce(last_published, '') DESC, size DESC, id);
        CREATE INDEX figures_listing ON figures(category, as_of, value);
        CREATE INDEX series_listing ON series(category, coalesce(source, ''), id);
        CREATE INDEX memberships_cluster_claim ON memberships(cluster, claim);
        CREATE TABLE actor_board (
            actor TEXT PRIMARY KEY,
            mentions INTEGER NOT NULL DEFAULT 0,
            members INTEGER NOT NULL DEFAULT 0,
            name_key TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO actor_board (actor, mentions, members, name_key)
            SELECT a.actor, sum((SELECT count(*) FROM entity_mentions m WHERE m.entity = a.entity)), count(*),
                coalesce((SELECT lower(name) FROM entities WHERE id = a.actor), '')
            FROM actors a GROUP BY a.actor;
        CREATE INDEX actor_board_rank ON actor_board(mentions DESC, name_key, actor);
        CREATE TRIGGER actor_board_replace BEFORE INSERT ON actors BEGIN
            UPDATE actor_board SET members = members - 1,
                mentions = mentions - (SELECT count(*) FROM entity_mentions WHERE entity = NEW.entity)
            WHERE actor = (SELECT actor FROM actors WHERE entity = NEW.entity);
            DELETE FROM actor_board WHERE actor = (SELECT actor FROM actors WHERE entity = NEW.entity) AND members <= 0;
        END;
        CREATE TRIGGER actor_board_ai AFTER INSERT ON actors BEGIN
            INSERT INTO actor_board (actor, mentions, members, name_key)
            VALUES (NEW.actor, (SELECT count(*) FROM entity_mentions WHERE entity = NEW.entity), 1,
                coalesce((SELECT lower(name) FROM entities WHERE id = NEW.actor), ''))
            ON CONFLICT(actor) DO UPDATE SET mentions = mentions + excluded.mentions, members = members + 1;
        END;
        CREATE TRIGGER actor_board_au AFTER UPDATE OF actor, entity ON actors BEGIN
            UPDATE actor_board SET members = members - 1,
                mentions = mentions - (SELECT count(*) FROM entity_mentions WHERE entity = OLD.entity)
            WHERE actor = OLD.actor;
            DELETE FROM actor_board WHERE actor = OLD.actor AND members <= 0;
            INSERT INTO actor_board (actor, mentions, members, name_key)
            VALUES (NEW.actor, (SELECT count(*) FROM entity_mentions WHERE entity = NEW.entity), 1,
                coalesce((SELECT lower(name) FROM entities WHERE id = NEW.actor), ''))
            ON CONFLICT(actor) DO UPDATE SET mentions = mentions + excluded.mentions, members = members + 1;
        END;
        CREATE TRIGGER actor_board_ad AFTER DELETE ON actors BEGIN
            UPDATE actor_board SET members = members - 1,
                mentions = mentions - (SELECT count(*) FROM entity_mentions WHERE entity = OLD.entity)
            WHERE actor = OLD.actor;
            DELETE FROM actor_board WHERE actor = OLD.actor AND members <= 0;
        END;
        CREATE TRIGGER actor_board_mention_ai AFTER INSERT ON entity_mentions BEGIN
            UPDATE actor_board SET mentions = mentions + 1
            WHERE actor = (SELECT actor FROM actors WHERE entity = NEW.entity);
        END;
        CREATE TRIGGER actor_board_mention_ad AFTER DELETE ON entity_mentions BEGIN
            UPDATE actor_board SET mentions = mentions - 1
            WHERE actor = (SELECT actor FROM actors WHERE entity = OLD.entity);
        END;
        """,
    )
)

# Adding at a million claims (issue 12): lookups that run for every report added, and deletes
# on re-analysis, scanned tables that grow with the ledger.
# - relations by subject: who a person speaks for (`clusters._body_of`);
# - place mentions by document: clearing a report's analysis records before storing them;
# - name keys by entity: the keys a report's entities brought (`regroup._renamed_by`);
# - every other foreign key's child column, as SQLite advises ("Indices are not required for
#   child key columns but they are almost always beneficial", sqlite.org/foreignkeys.html):
#   without one, deleting a parent row scans the whole child table once per row deleted;
# - documents by outlet and language: the overview's counts (`ledger.stats`).
MIGRATIONS.append(
    (
        "0008_scale_indexes",
        """
        CREATE INDEX relations_subject ON relations(subject);
        CREATE INDEX place_mentions_doc ON place_mentions(doc);
        CREATE INDEX name_keys_entity ON name_keys(entity);
        CREATE INDEX claim_keys_claim ON claim_keys(claim);
        CREATE INDEX document_bands_doc ON document_bands(doc);
        CREATE INDEX figures_place ON figures(place);
        CREATE INDEX figures_part_of ON figures(part_of);
        CREATE INDEX documents_outlet ON documents(outlet);
        CREATE INDEX documents_language ON documents(coalesce(language, '?'));
        """,
    )
)
