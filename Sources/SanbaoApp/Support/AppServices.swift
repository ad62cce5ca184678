import NIOConcurrencyHelpers
import SanbaoDomain
import Vapor

/// What the whole app shares, made once by `configure` and handed to every request through
/// `Application.services`: nothing is created on first use, so there is no unlocked
/// check-then-set racing between the first two requests, and a reader sees at a glance what
/// lives for the life of the process.
final class AppServices: Sendable {
    let localizer: Localizer
    /// Who a token belongs to, a page of the unit list: kept two seconds (`ReadCache`).
    let readCaches = ReadCaches()
    /// One SQLite write transaction at a time.
    let writeGate = WriteGate()
    /// Published questionnaire versions never change, so each is read and parsed once.
    let questionnaireCache = NIOLockedValueBox<[String: CachedQuestionnaire]>([:])
    /// Visits into SQLite in groups, on a connection of its own.
    let visitWriter = VisitWriter()
    /// Committed visits on their way into the tallies.
    let newVisitTallies = NewVisitTallies()
    /// The working-day calendar, kept two seconds (dropped here at once after an import).
    let workingCalendar = Kept<WorkingCalendar>()
    /// The ledger's settings, kept two seconds (dropped here at once after a save).
    let problemSettings = Kept<KeptSettings>()
    /// Password hashing and the sign-in allowance.
    let signInGuard: SignInGuard
    /// `SANBAO_RECORD_PAGES`: where to write each page model drawn (the render tests' fixtures).
    let recordPagesTo = Environment.get("SANBAO_RECORD_PAGES")

    /// `config`: the sign-in allowance and bcrypt cost (the configuration itself is `app.config`).
    init(config: AppConfig, localizer: Localizer) {
        self.localizer = localizer
        signInGuard = SignInGuard(burst: config.signInBurst, perMinute: config.signInPerMinute, bcryptCost: config.bcryptCost)
    }
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = AppServices }

    /// Set once by `configure`; the services stop with the application.
    var services: AppServices {
        get {
            guard let services = storage[ServicesKey.self] else { fatalError("configure(_:config:) was not called") }
            return services
        }
        set {
            storage[ServicesKey.self] = newValue
            lifecycle.use(StopServices(services: newValue))
        }
    }

    var readCaches: ReadCaches { services.readCaches }
    var writeGate: WriteGate { services.writeGate }
    var questionnaireCache: NIOLockedValueBox<[String: CachedQuestionnaire]> { services.questionnaireCache }
    var visitWriter: VisitWriter { services.visitWriter }
    var newVisitTallies: NewVisitTallies { services.newVisitTallies }
    var workingCalendar: Kept<WorkingCalendar> { services.workingCalendar }
    var problemSettings: Kept<KeptSettings> { services.problemSettings }
    var signInGuard: SignInGuard { services.signInGuard }
    var localizer: Localizer { services.localizer }

    private struct StopServices: LifecycleHandler {
        let services: AppServices
        func shutdownAsync(_ application: Application) async {
            try? await services.visitWriter.close()
            try? await services.signInGuard.hashing.shutdownGracefully()
        }
    }
}
