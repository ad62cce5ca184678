import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Puts the demo city into the database through the ordinary import services, then gives
/// one user per role the demo password.
enum DemoLoader {
    struct Loaded {
        var units: ImportSummary
        var cadres: ImportSummary
        var enterprises: ImportSummary
        var workers: ImportSummary
        var signIns: [DemoCity.SignIn]
    }

    static func isEmpty(_ app: Application) async throws -> Bool {
        try await OrgUnit.query(on: app.db).count() == 0
    }

    static func load(_ app: Application, seed: UInt64 = DemoCity.defaultSeed) async throws -> Loaded {
        let city = DemoCity(seed: seed)
        let system = Principal.system("demo")
        let units = try await OrgUnitService(db: app.db, principal: system).importCSV(Array(city.unitsCSV.utf8), mode: .allOrNothing)
        guard units.issues.isEmpty else { throw DemoError(issues: units.issues) }
        let people = UserService(app: app, db: app.db, principal: system)
        let cadres = try await people.importCadres(Array(city.cadresCSV.utf8), mode: .allOrNothing)
        guard cadres.issues.isEmpty else { throw DemoError(issues: cadres.issues) }
        let enterprises = try await EnterpriseService(app: app, db: app.db, principal: system)
            .importCSV(Array(city.enterprisesCSV.utf8), mode: .allOrNothing)
        guard enterprises.issues.isEmpty else { throw DemoError(issues: enterprises.issues) }
        let workers = try await WorkerService(app: app, db: app.db, principal: system)
            .importCSV(Array(city.workersCSV.utf8), mode: .allOrNothing)
        guard workers.issues.isEmpty else { throw DemoError(issues: workers.issues) }
        _ = try await CampaignService(db: app.db, principal: system).createDemo(city: city)
        for signIn in city.signIns {
            if try await User.query(on: app.db).filter(\.$username == signIn.username).first() != nil {
                try await people.resetPassword(username: signIn.username, to: DemoCity.password)
            } else {
                _ = try await people.create(UserInput(username: signIn.username, displayName: signIn.displayName,
                                                      unitCode: signIn.unitCode, roles: signIn.roles.map(\.rawValue),
                                                      password: DemoCity.password, phone: nil))
            }
        }
        return Loaded(units: units.summary, cadres: cadres.summary, enterprises: enterprises.summary, workers: workers.summary,
                      signIns: city.signIns)
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
