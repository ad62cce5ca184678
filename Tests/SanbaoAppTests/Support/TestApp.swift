@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain
import Logging
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

/// The databases every app test runs on: in-memory SQLite and an SQLite file always — the file
/// is the production default, where visits go through `SQLiteWriter` on a connection of its own
/// — and PostgreSQL too when `SANBAO_TEST_POSTGRES_URL` is set. Each test gets a database of its
/// own (a fresh SQLite, or a fresh schema), so tests never see each other's rows.
enum TestDatabase: CustomStringConvertible, Sendable {
    case sqlite
    case sqliteFile
    case postgres(String)

    static var all: [TestDatabase] {
        var list: [TestDatabase] = [.sqlite, .sqliteFile]
        if let url = ProcessInfo.processInfo.environment["SANBAO_TEST_POSTGRES_URL"], !url.isEmpty {
            list.append(.postgres(url))
        }
        return list
    }

    var description: String {
        switch self {
        case .sqlite: "sqlite"
        case .sqliteFile: "sqlite file"
        case .postgres: "postgres"
        }
    }
}

/// Where the SQLite-file tests keep their databases: in memory-backed `/dev/shm` where there is
/// one, so that the suite exercises the file path (WAL, the writer's own connection) without
/// waiting on the disk's flushes — a shared CI disk made the whole suite ten times slower.
let testFileDirectory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()

var testSecret: SymmetricKey { SymmetricKey(data: Data(repeating: 7, count: 32)) }

/// - Parameter logger: given, it is the app's logger from the start, so that every database
///   connection logs to it (connections keep the logger they were opened with).
/// - Parameter tune: changes to the test configuration (a sign-in allowance, a bcrypt cost).
func withApp(_ database: TestDatabase, file: String? = nil, logger: Logger? = nil, tune: (inout AppConfig) -> Void = { _ in },
             _ body: (Application) async throws -> Void) async throws {
    let app: Application
    if let logger {
        app = try await Application.make(.testing, .singleton, logger: logger)
    } else {
        app = try await Application.make(.testing)
    }
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
    let choice: AppConfig.DatabaseChoice = switch database {
    case .sqlite: file.map { .sqliteFile($0) } ?? .sqliteMemory
    case .sqliteFile: .sqliteFile(file ?? testFileDirectory + "sanbao-test-\(schema).sqlite")
    case .postgres(let url): .postgres(url: url, searchPath: String(schema))
    }
    var config = AppConfig(database: choice, secret: testSecret, secretSource: "test", bcryptCost: 4)
    config.lockoutThreshold = 3
    // Tests sign in many times from one address; the allowance has a test of its own.
    config.signInBurst = 100_000
    config.photoDirectory = NSTemporaryDirectory() + "sanbao-test-photos-" + UUID().uuidString
    tune(&config)
    defer {
        try? FileManager.default.removeItem(atPath: config.photoDirectory)
        if case .sqliteFile(let path) = choice, file == nil {
            for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
    do {
        try await configure(app, config: config)
        try await body(app)
    } catch {
        try? await dropSchema(app, database, String(schema))
        try await app.asyncShutdown()
        throw error
    }
    try await dropSchema(app, database, String(schema))
    try await app.asyncShutdown()
}

private func dropSchema(_ app: Application, _ database: TestDatabase, _ schema: String) async throws {
    guard case .postgres = database else { return }
    try await app.db.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
}

/// A small federation with two sibling districts, so every test can ask "can district A's
/// user touch district B's things?".
enum Fixture {
    static let password = "correct-horse-1"

    static let unitsCSV = """
    code,name,kind,parent_code,territory,sectors,lat,lon
    3401,合肥市总工会,city_federation,,3401,,31.82,117.22
    340104,蜀山区总工会,district,3401,340104,,31.85,117.26
    340104001,三里庵街道工会,street,340104,340104001,,31.86,117.25
    340104001001,光明社区工会,community,340104001,340104001001,,,
    340102,瑶海区总工会,district,3401,340102,,31.86,117.31
    340102001,明光路街道工会,street,340102,340102001,,,
    340102001001,幸福社区工会,community,340102001,340102001001,,,
    IND-JX,市机械冶金工会,industry_union,3401,3401,C31;C34,,

    """

    static let cadresCSV = """
    staff_no,name,unit_code,phone,lat,lon,capacity
    A001,张伟,340104001,13912345678,31.86,117.25,10
    B001,李娜,340102001,13887654321,31.86,117.31,12

    """

    /// One enterprise in each district; A's is also in the machinery industry union's sector.
    static let enterpriseA = CreditCode.withCheck("91340104MA2N0AAA1")
    static let enterpriseB = CreditCode.withCheck("91340102MA2N0BBB1")
    static var enterprisesCSV: String { """
        credit_code,name,division_code,industry_code,size_class,above_scale,employees,contact
        \(enterpriseA),合肥华源机械有限公司,340104001001,3411,medium,yes,420,王经理 13955556666
        \(enterpriseB),合肥瑶海食品有限公司,340102001,C1369,small,no,80,

        """ }

    static let workerAID = ResidentID.withCheck("34010419850612301")
    static var workersCSV: String { """
        name,id_number,phone,enterprise_code,job,migrant,household,hardship
        张工,\(workerAID),13811112222,\(enterpriseA),焊工,是,配偶无业 月收入1800元,困难农民工
        李工,\(ResidentID.withCheck("34010219900101002")),,\(enterpriseB),司机,no,,

        """ }

    /// Users: office (root), adminA (蜀山), adminB (瑶海), viewerA (蜀山), helper (assistance centre),
    /// plus cadres A001, B001.
    static func load(_ app: Application) async throws {
        let system = Principal.system("test")
        let units = try await OrgUnitService(app: app, db: app.db, principal: system).importCSV(Array(unitsCSV.utf8), mode: .allOrNothing)
        #expect(units.issues.isEmpty, "\(units.issues)")
        let people = UserService(app: app, db: app.db, principal: system)
        let cadres = try await people.importCadres(Array(cadresCSV.utf8), mode: .allOrNothing)
        #expect(cadres.issues.isEmpty, "\(cadres.issues)")
        for (username, unit, roles) in [("office", "3401", ["office"]), ("adminA", "340104", ["unit_admin"]),
                                        ("adminB", "340102", ["unit_admin"]), ("viewerA", "340104", ["viewer"]),
                                        ("helper", "3401", ["assistance"])] {
            _ = try await people.create(UserInput(username: username, displayName: username, unitCode: unit, roles: roles,
                                                  password: password, phone: nil))
        }
        try await people.resetPassword(username: "A001", to: password)
        let registry = try await EnterpriseService(app: app, db: app.db, principal: system)
            .importCSV(Array(enterprisesCSV.utf8), mode: .allOrNothing)
        #expect(registry.issues.isEmpty, "\(registry.issues)")
        let workers = try await WorkerService(app: app, db: app.db, principal: system).importCSV(Array(workersCSV.utf8), mode: .allOrNothing)
        #expect(workers.issues.isEmpty, "\(workers.issues)")
    }

    static func token(_ app: Application, _ username: String) async throws -> String {
        let user = try await User.query(on: app.db).filter(\.$username == username).first()!
        return try await AuthService(app: app, db: app.db).createToken(userID: user.id!, name: "test", by: .system("test")).clear
    }
}
