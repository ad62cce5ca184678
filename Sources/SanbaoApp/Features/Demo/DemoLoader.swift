import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Puts the demo city (or, for benchmarks, the demo province) into the database through the
/// ordinary import services, then gives one user per role the demo password.
enum DemoLoader {
    enum Scale: String, Sendable {
        case city, province
    }

    struct Loaded {
        var units, cadres, enterprises, workers: ImportSummary
        var visits: Int = 0
        var signIns: [DemoCity.SignIn]
    }

    static func isEmpty(_ app: Application) async throws -> Bool {
        try await OrgUnit.query(on: app.db).count() == 0
    }

    static func load(_ app: Application, seed: UInt64 = DemoCity.defaultSeed) async throws -> Loaded {
        let city = DemoCity(seed: seed)
        let system = Principal.system("demo")
        let units = try await check(OrgUnitService(app: app, db: app.db, principal: system).importCSV(Array(city.unitsCSV.utf8), mode: .allOrNothing))
        let people = UserService(app: app, db: app.db, principal: system)
        let cadres = try await check(people.importCadres(Array(city.cadresCSV.utf8), mode: .allOrNothing))
        let enterprises = try await check(EnterpriseService(app: app, db: app.db, principal: system)
            .importCSV(Array(city.enterprisesCSV.utf8), mode: .allOrNothing))
        let workers = try await check(WorkerService(app: app, db: app.db, principal: system)
            .importCSV(Array(city.workersCSV.utf8), mode: .allOrNothing))
        _ = try await CampaignService(app: app, db: app.db, principal: system).createDemo(units: city.units, cadres: city.cadres)
        try await giveSignIns(city.signIns, app: app)
        let visits = try await DemoVisitLoader.load(app, count: 2_000, seed: seed)
        try await DemoProblemLoader.load(app, seed: seed)
        _ = try await ProblemScan(app: app, db: app.db).run()
        try await DemoReportLoader.load(app, seed: seed)
        return Loaded(units: units, cadres: cadres, enterprises: enterprises, workers: workers, visits: visits, signIns: city.signIns)
    }

    /// The province: its million enterprises are written to a temporary file and imported from
    /// it as a province's list would be, a batch at a time. `progress` hears each step.
    static func loadProvince(_ app: Application, seed: UInt64 = DemoProvince.defaultSeed,
                             progress: (String) -> Void = { _ in }) async throws -> Loaded {
        let province = DemoProvince(seed: seed)
        let system = Principal.system("demo")
        let units = try await check(OrgUnitService(app: app, db: app.db, principal: system).importCSV(Array(province.unitsCSV.utf8), mode: .allOrNothing))
        progress("\(units.created) units")
        let people = UserService(app: app, db: app.db, principal: system)
        let cadres = try await check(people.importCadres(Array(province.cadresCSV.utf8), mode: .allOrNothing))
        progress("\(cadres.created) cadres")
        let path = NSTemporaryDirectory() + "sanbao-demo-province-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw DemoError(issues: [ImportIssue(row: 0, reason: .undecodable, detail: "cannot write \(path)")])
        }
        var buffer = Data()
        let sample = try province.writeEnterprises { line in
            buffer.append(contentsOf: line.utf8)
            if buffer.count > 1 << 20 { try file.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
        }
        try file.write(contentsOf: buffer)
        try file.close()
        progress("enterprise list written")
        let enterprises = try await check(EnterpriseService(app: app, db: app.db, principal: system).importFile(.file(path), mode: .allOrNothing))
        progress("\(enterprises.created) enterprises")
        let workersCSV = CSVWriter.line(WorkerRecord.header.columns.map(\.key))
            + province.workers(of: sample).map { CSVWriter.line($0.csvFields) }.joined()
        let workers = try await check(WorkerService(app: app, db: app.db, principal: system).importCSV(Array(workersCSV.utf8), mode: .allOrNothing))
        progress("\(workers.created) workers")
        _ = try await CampaignService(app: app, db: app.db, principal: system).createDemo(units: province.units, cadres: province.cadres)
        try await giveSignIns(province.signIns, app: app)
        return Loaded(units: units, cadres: cadres, enterprises: enterprises, workers: workers, signIns: province.signIns)
    }

    private static func check(_ outcome: ImportOutcome) throws -> ImportSummary {
        guard outcome.issues.isEmpty else { throw DemoError(issues: outcome.issues) }
        return outcome.summary
    }

    private static func giveSignIns(_ signIns: [DemoCity.SignIn], app: Application) async throws {
        let people = UserService(app: app, db: app.db, principal: .system("demo"))
        for signIn in signIns {
            if try await User.query(on: app.db).filter(\.$username == signIn.username).first() != nil {
                try await people.resetPassword(username: signIn.username, to: DemoCity.password)
            } else {
                _ = try await people.create(UserInput(username: signIn.username, displayName: signIn.displayName,
                                                      unitCode: signIn.unitCode, roles: signIn.roles.map(\.rawValue),
                                                      password: DemoCity.password, phone: nil))
            }
        }
    }

    static func describe(_ signIns: [DemoCity.SignIn]) -> String {
        var lines = ["Demo sign-ins (password \(DemoCity.password)):"]
        for s in signIns {
            let roles = s.roles.sorted().map(\.rawValue).joined(separator: ",")
            lines.append("  \(s.username.padding(toLength: 16, withPad: " ", startingAt: 0)) \(roles.padding(toLength: 12, withPad: " ", startingAt: 0)) \(s.displayName)")
        }
        return lines.joined(separator: "\n")
    }

    struct DemoError: Error, CustomStringConvertible {
        var issues: [ImportIssue]
        var description: String { "demo data failed its own import: \(issues.prefix(5))" }
    }
}
