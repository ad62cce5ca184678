import SanbaoDomain
import SQLKit
import Vapor

enum Commands {
    static func register(in app: Application) {
        if let vaporServe = app.asyncCommands.commands["serve"], !(vaporServe is ServeCommand) {
            app.asyncCommands.use(ServeCommand(inner: vaporServe), as: "serve", isDefault: true)
        }
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(AssignCommand(), as: "assign")
        let kinds: [(TransferKind, String)] = [(.orgUnits, "org-units"), (.cadres, "cadres"), (.enterprises, "enterprises"),
                                               (.workers, "workers"), (.quotas, "quotas"), (.calendar, "calendar")]
        let groups: [(String, String, [(String, any AnyAsyncCommand)])] = [
            ("import", "Import org units, cadres, enterprises, workers, quotas or the working-day calendar from CSV.",
             kinds.map { ($0.1, ImportCommand(kind: $0.0)) }),
            ("export", "Export org units, cadres, enterprises, workers, quotas or the working-day calendar as CSV.",
             kinds.map { ($0.1, ExportCommand(kind: $0.0)) }),
            ("campaign", "Create campaigns.", [("create", CampaignCreateCommand())]),
            ("questionnaire", "List, export and publish questionnaires (JSON).",
             [("list", QuestionnaireListCommand()), ("export", QuestionnaireExportCommand()), ("import", QuestionnaireImportCommand())]),
            ("problems", "The problem ledger's scheduled scan, run by hand; its figures rebuilt.",
             [("scan", ProblemScanCommand()), ("retally", RetallyCommand(family: .problems(units: nil)))]),
            ("visits", "The progress tallies of visits and tasks, rebuilt.", [("retally", RetallyCommand(family: .visits))]),
            ("user", "Create users and reset passwords.", [("create", UserCreateCommand()), ("reset-password", UserResetPasswordCommand())]),
            ("token", "Create API tokens.", [("create", TokenCreateCommand())]),
        ]
        for (name, help, members) in groups {
            var group = AsyncCommands()
            for (member, command) in members { group.use(command, as: member) }
            app.asyncCommands.use(group.group(help: help), as: name)
        }
    }

    /// How the command line appears in the audit log.
    static var principal: Principal {
        Principal.system("cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"))
    }
}

/// `sanbao serve [--demo] [--hostname H] [--port P]`: Vapor's server, after loading the demo
/// city into an empty database when asked, and with the address and sign-ins printed.
struct ServeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "demo", help: "Load the demo city if the database is empty.") var demo: Bool
        @Option(name: "hostname", short: "H", help: "Address to listen on (default 127.0.0.1).") var hostname: String?
        @Option(name: "port", short: "p", help: "Port to listen on (default 8080).") var port: Int?
    }

    let inner: any AnyAsyncCommand
    var help: String { "Serve Sanbao over HTTP (with --demo: load the demo city into an empty database)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.demo {
            if try await DemoLoader.isEmpty(app) {
                context.console.print("Loading the demo city…")
                let loaded = try await DemoLoader.load(app)
                context.console.print("Demo city: \(loaded.units.created) units, \(loaded.cadres.created) cadres, \(loaded.enterprises.created) enterprises, \(loaded.workers.created) workers, \(loaded.visits) visits.")
            }
            context.console.print(DemoLoader.describe(DemoCity().signIns))
        }
        let hostname = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        context.console.print("Sanbao: http://\(hostname):\(port)/")
        let minutes = Int(ProcessInfo.processInfo.environment["SANBAO_SCAN_MINUTES"] ?? "") ?? 10
        for job in [RepeatingJob.problemScan(every: .minutes(Int64(max(1, minutes)))), RepeatingJob.tallies(every: .seconds(3))] {
            context.application.lifecycle.use(job)
            job.start(context.application)
        }
        var inner = context
        inner.input = CommandInput(arguments: ["sanbao", "--hostname", hostname, "--port", "\(port)"])
        try await self.inner.run(using: &inner)
    }
}

struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "seed", help: "Seed for the demo data (the same seed gives the same city).") var seed: UInt64?
        @Option(name: "scale", help: "city (default: 443 units, 1,052 cadres, 10,000 enterprises) or province (for benchmarks: about 5,000 units, 50,000 cadres, 1,000,000 enterprises).") var scale: String?
    }

    var help: String { "Load the demo city (units, cadres, enterprises, workers, a campaign, one sign-in per role) into an empty database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let scale = DemoLoader.Scale(rawValue: signature.scale ?? "city") else {
            context.console.error("--scale is city or province, not \(signature.scale ?? "").")
            throw ExitCode(2)
        }
        guard try await DemoLoader.isEmpty(app) else {
            context.console.error("The database already holds org units; the demo loads only into an empty one.")
            throw ExitCode(1)
        }
        let loaded: DemoLoader.Loaded
        switch scale {
        case .city:
            loaded = try await DemoLoader.load(app, seed: signature.seed ?? DemoCity.defaultSeed)
        case .province:
            let start = Date()
            loaded = try await DemoLoader.loadProvince(app, seed: signature.seed ?? DemoProvince.defaultSeed) { step in
                context.console.print(String(format: "%6.1f s  ", Date().timeIntervalSince(start)) + step)
            }
        }
        context.console.print("Demo \(scale == .city ? "city" : "province"): \(loaded.units.created) units, \(loaded.cadres.created) cadres, \(loaded.enterprises.created) enterprises, \(loaded.workers.created) workers, \(loaded.visits) visits.")
        context.console.print(DemoLoader.describe(loaded.signIns))
    }
}

/// How the command line says what went wrong: a user's error in their language (with the
/// fields at fault), anything else as it is.
public func commandLineMessage(for error: any Error, in app: Application) -> String {
    guard let appError = error as? AppError else { return String(reflecting: error) }
    let locale = app.config.defaultLocale
    var text = app.localizer.text(appError.key, locale, appError.params)
    for field in appError.fields { text += "\n  \(field.field): " + app.localizer.text(field.key, locale, field.params) }
    return text
}

public struct ExitCode: Error, CustomStringConvertible {
    public var code: Int32
    init(_ code: Int32) { self.code = code }
    public var description: String { "exit \(code)" }
}

/// `sanbao problems scan [--today YYYY-MM-DD]`: the reminders and escalations the server's
/// scheduled scan makes, once, with how many and how long it took.
struct ProblemScanCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "today", help: "Scan as of this day (default: today in China).") var today: String?
    }

    var help: String { "Run the problem ledger's scan once: due and overdue reminders, escalation up the tree." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let today: Day
        if let text = signature.today {
            guard let day = Day(text) else {
                context.console.error("--today is a day written YYYY-MM-DD, not \(text).")
                throw ExitCode(2)
            }
            today = day
        } else {
            today = ProblemRules.today()
        }
        let start = Date()
        let o = try await ProblemScan(app: context.application, db: context.application.db).run(today: today)
        context.console.print("\(today): due tomorrow \(o.dueTomorrow), due today \(o.dueToday), newly overdue \(o.overdue), escalated \(o.escalated), referrals due \(o.referralsDue)"
            + String(format: " (%.3f s)", Date().timeIntervalSince(start)))
    }
}

/// `sanbao problems retally` and `sanbao visits retally`: a tally family rebuilt from the rows
/// after they were loaded in bulk outside the app (or a past year's calendar was corrected) —
/// every unit's ledger figures, or the progress tallies (visits, enterprises visited, workers,
/// questionnaires, problems found, tasks; per unit and everything below it, stage and day) with
/// the statistics' answer, number and pair tallies.
struct RetallyCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    let family: Tallies.Family
    var help: String {
        switch family {
        case .problems: "Rebuild every unit's problem figures (tallies) from the problems."
        default: "Rebuild the dashboards' and statistics' tallies from the visits, answers and tasks."
        }
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let start = Date()
        try await app.serializedTransaction(on: app.db) { db in try await Tallies.rebuild(family, on: db) }
        let rows = try await Tallies.rows(family, on: app.db)
        let what = switch family { case .problems: "figures rebuilt for \(rows) units"; default: "tallies rebuilt: \(rows) unit-stage-day rows" }
        context.console.print(what + String(format: " (%.2f s)", Date().timeIntervalSince(start)))
    }
}
