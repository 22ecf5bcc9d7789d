"""The SQL both stores share: the numbered migrations, and every statement an event, the outbox
and the badge issuer run, written once. The SQLite and PostgreSQL stores only execute them."""
