import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct ConfigTests {
    @Test func databaseURLPicksTheDriver() throws {
        #expect(try AppConfig.parseDatabaseURL("sqlite::memory:") == .sqliteMemory)
        #expect(try AppConfig.parseDatabaseURL("sqlite:data/x.sqlite") == .sqliteFile("data/x.sqlite"))
        #expect(try AppConfig.parseDatabaseURL("postgres://u:p@h:5432/d") == .postgres(url: "postgres://u:p@h:5432/d", searchPath: nil))
        #expect(throws: ConfigError.self) { try AppConfig.parseDatabaseURL("mysql://x") }
        #expect(throws: ConfigError.self) { try AppConfig.parseDatabaseURL("sqlite:") }
    }

    @Test func startupLogHidesSecrets() throws {
        let config = try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://sanbao:hunter2@db:5432/sanbao",
                                                    "SANBAO_SECRET": Data(repeating: 1, count: 32).base64EncodedString()])
        #expect(!config.redactedDescription.contains("hunter2"))
        #expect(!config.redactedDescription.contains(Data(repeating: 1, count: 32).base64EncodedString()))
        #expect(config.redactedDescription.contains("postgres://sanbao:***@db:5432/sanbao"))
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u@h/d"]) }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["SANBAO_SECRET": "short"]) }
    }

    @Test func sqliteFileRunsInWALWithForeignKeysAndKeepsItsKey() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sanbao-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try AppConfig.fromEnvironment(["DATABASE_URL": "sqlite:\(dir)/db.sqlite"])
        let second = try AppConfig.fromEnvironment(["DATABASE_URL": "sqlite:\(dir)/db.sqlite"])
        #expect(first.secret == second.secret)
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/db.sqlite.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        try await withApp(.sqlite, file: "\(dir)/db.sqlite") { app in
            struct Mode: Decodable { var journal_mode: String }
            struct FK: Decodable { var foreign_keys: Int }
            let sql = app.db.sql
            let mode = try await sql.raw("PRAGMA journal_mode").first(decoding: Mode.self)?.journal_mode
            let fk = try await sql.raw("PRAGMA foreign_keys").first(decoding: FK.self)?.foreign_keys
            #expect(mode == "wal")
            #expect(fk == 1)
        }
    }

    @Test(arguments: TestDatabase.all) func healthz(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            var client = TestClient(app)
            let res = try await client.send(.GET, "/healthz")
            #expect(res.status == .ok && res.body.string == "ok")
        }
    }
}
