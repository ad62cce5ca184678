import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import SQLKit
import Vapor

/// Builds the app from a configuration value: database, migrations, views, middleware,
/// routes and commands. Tests call it with their own `AppConfig`; nothing is global.
public func configure(_ app: Application, config: AppConfig) async throws {
    try configurePages(app, config: config)
    app.logger.info("sanbao config: \(config.redactedDescription)")

    switch config.database {
    case .sqliteFile(let path):
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    case .postgres(let url, let searchPath):
        var pg = try SQLPostgresConfiguration(url: url)
        if let searchPath { pg.searchPath = [searchPath] }
        app.databases.use(.postgres(configuration: pg, maxConnectionsPerEventLoop: 4), as: .psql)
    }
    if case .postgres(_, let searchPath?) = config.database {
        // A named schema (the tests give each test its own) is created on first use.
        try await app.db.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: searchPath)").run()
    }
    if case .sqliteFile = config.database {
        // WAL lets pages read while an import writes; the setting stays with the file.
        try await app.db.sql.raw("PRAGMA journal_mode=WAL").run()
    }
    app.migrations.add(Migrations.all(photoDirectory: config.photoDirectory))
    try await migrateTakingTurns(app)
    try await CalendarService.loadShipped(app)

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.routes.defaultMaxBodySize = "1mb"

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(InvalidateReadCachesMiddleware())
    app.middleware.use(LocaleMiddleware())
    app.middleware.use(AppErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    try routes(app)
    Commands.register(in: app)
}

/// Brings the database up to this version's migrations. On PostgreSQL several instances may
/// start at once (a rolling upgrade behind a load balancer): each waits for a lock held by one
/// connection for the whole run, so one migrates and the others find the work done. On SQLite
/// the app is one process.
func migrateTakingTurns(_ app: Application) async throws {
    guard app.db.sql.dialect.name == "postgresql" else { return try await app.autoMigrate() }
    // One lock per schema (the tests give each test its own and migrate them side by side).
    var hash: Int64 = 0x5A4E_4241_4F00
    if case .postgres(_, let schema?) = app.config.database {
        for byte in schema.utf8 { hash = (hash ^ Int64(byte)) &* 0x100_0000_01B3 }
    }
    let key = hash
    try await app.db.withConnection { connection in
        try await connection.sql.raw("SELECT pg_advisory_lock(\(bind: key))").run()
        do {
            try await app.autoMigrate()
        } catch {
            try? await connection.sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
            throw error
        }
        try await connection.sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
    }
}

/// What drawing a page needs, and no database: the configuration, the shared services and the
/// templates with their tags. The render tests call this alone.
func configurePages(_ app: Application, config: AppConfig) throws {
    app.config = config
    app.services = AppServices(config: config, localizer: try Localizer.load(from: app.directory.resourcesDirectory + "Locales"))
    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag()
    app.leaf.tags["path"] = PathTag()
}
