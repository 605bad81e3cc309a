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
