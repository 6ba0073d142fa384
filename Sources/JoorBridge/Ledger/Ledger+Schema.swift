import GRDB

extension Ledger {
    /// The ledger's schema, one migration per step, oldest first. A migration is never edited once
    /// released: GRDB records which have run, and existing state files only run the new ones.
    static let migrations: [(name: String, sql: String)] = [
        (
            "v1",
            """
            CREATE TABLE orders (
                order_id TEXT NOT NULL,
                version INTEGER NOT NULL DEFAULT 0,
                state TEXT NOT NULL,
                payload TEXT NOT NULL,
                date_modified TEXT,
                reason TEXT,
                files TEXT,
                temps TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                received_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                delivered_at TEXT,
                PRIMARY KEY (order_id, version)
            );
            CREATE INDEX orders_state ON orders(state);
            CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                outcome TEXT,
                summary TEXT
            );
            """
        ),
        (
            "v2-inventory",
            """
            CREATE TABLE inventory_positions (
                position_key TEXT PRIMARY KEY,
                quantity INTEGER NOT NULL,
                source_modified REAL NOT NULL,
                pushed_at TEXT NOT NULL
            );
            CREATE TABLE inbox_files (
                fingerprint TEXT PRIMARY KEY,
                job TEXT NOT NULL,
                name TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                reason TEXT,
                updated_at TEXT NOT NULL
            );
            """
        ),
        ("v3-styles", "CREATE TABLE style_hashes (style_identifier TEXT PRIMARY KEY, hash TEXT NOT NULL, pushed_at TEXT NOT NULL)"),
        // One row per remote inbox file joorbridge has seen and not yet finished with, and per
        // outbox file being uploaded (see Ledger+Remote.swift).
        (
            "v4-sftp",
            """
            CREATE TABLE remote_files (
                remote_path TEXT PRIMARY KEY,
                job TEXT NOT NULL,
                size INTEGER NOT NULL,
                mtime INTEGER NOT NULL,
                status TEXT NOT NULL,
                local_name TEXT,
                seen_since REAL NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE remote_uploads (
                local_name TEXT PRIMARY KEY,
                remote_path TEXT NOT NULL,
                status TEXT NOT NULL,
                started_at TEXT NOT NULL
            );
            """
        ),
        // Orders left out by a filter are held (kept, listed, deliverable), not skipped; each
        // delivery records its route and outbox folder (recovery finishes it there); adopted
        // orders were delivered by a previous integration. Expected orders: what a run's
        // read-only look saw before its synchronising pull (the catch-up's evidence).
        (
            "v5-orders-held-routes",
            """
            ALTER TABLE orders ADD COLUMN route TEXT;
            ALTER TABLE orders ADD COLUMN outbox TEXT;
            ALTER TABLE orders ADD COLUMN origin TEXT NOT NULL DEFAULT 'joor';
            UPDATE orders SET state = 'held' WHERE state = 'skipped';
            CREATE TABLE expected_orders (order_id TEXT PRIMARY KEY, date_modified TEXT);
            """
        ),
        // A delivered order JOOR cancelled gets one more entry of kind 'cancellation', written
        // like a delivery (same states, temporaries and recovery); an order cancelled before
        // it was delivered becomes 'cancelled' and is never delivered.
        ("v6-cancellations", "ALTER TABLE orders ADD COLUMN kind TEXT NOT NULL DEFAULT 'order'"),
        // The outbox temporaries this install is writing (absolute paths), noted before they are
        // created: after a crash only these are its own to remove; another writer's in the same
        // WMS folder are never touched.
        ("v7-outbox-temporaries", "CREATE TABLE outbox_temporaries (path TEXT PRIMARY KEY)"),
        // The order in which inbox files were recorded, for "was this the last file JOOR took":
        // a count, not the clock (which can step back). Existing rows are numbered by their time.
        (
            "v8-inbox-sequence",
            """
            ALTER TABLE inbox_files ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
            UPDATE inbox_files SET sequence = numbered.position
                FROM (SELECT rowid AS id, ROW_NUMBER() OVER (ORDER BY updated_at, rowid) AS position FROM inbox_files) AS numbered
                WHERE inbox_files.rowid = numbered.id;
            """
        ),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (name, sql) in migrations {
            migrator.registerMigration(name) { db in try db.execute(sql: sql) }
        }
        return migrator
    }
}
