import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
import VaporTesting
@testable import SanbaoApp

/// Clear personal data must never reach the logs: everything the app logs while personal
/// data is imported, listed, revealed and exported is captured and searched.
@Suite struct LogPrivacyTests {
    final class Capture: Sendable {
        let lines = NIOLockedValueBox<[String]>([])
    }

    struct CapturingHandler: LogHandler {
        let capture: Capture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            capture.lines.withLockedValue { $0.append("\(message) \(all)") }
        }
    }

    @Test func noClearPersonalDataInTheLogsEvenAtTraceLevel() async throws {
        let capture = Capture()
        var logger = Logger(label: "test") { _ in CapturingHandler(capture: capture) }
        logger.logLevel = .trace
        try await withApp(.sqlite, logger: logger) { app in
            try await Fixture.load(app)
            // Through the services on app.db, so that every SQL statement and its binds are
            // logged to the capturing logger (request loggers come from the global system).
            let helper = try await AuthService(app: app, db: app.db).principal(bearer: try await Fixture.token(app, "helper"), ip: "t")!
            let workers = WorkerService(app: app, db: app.db, principal: helper)
            let worker = try await Worker.query(on: app.db).filter(\.$name == "张工").first()!
            let revealed = try await workers.reveal(id: worker.id!)
            #expect(revealed.idNumber == Fixture.workerAID, "the reveal itself works")
            _ = try await workers.exportRows(clear: true)
            _ = try await workers.list(PageRequest(), search: Fixture.workerAID)
            let office = Principal.system("t")
            _ = try await WorkerService(app: app, db: app.db, principal: office).importCSV(Array(Fixture.workersCSV.utf8), mode: .validRows)
            _ = try await UserService(app: app, db: app.db, principal: office).revealPhone(username: "A001")
            _ = try await EnterpriseService(app: app, db: app.db, principal: office).exportRows(clearContacts: true)
        }
        let lines = capture.lines.withLockedValue { $0 }
        #expect(lines.count > 20, "the capture saw the app's logging")
        // The SQL binds are in the capture (the masked ID is bound on import), so a clear value
        // bound anywhere would be found too.
        #expect(lines.contains { $0.contains("3401**********") })
        for secret in [Fixture.workerAID, "13811112222", "月收入1800元", "13912345678", "13955556666", Fixture.password] {
            #expect(!lines.contains { $0.contains(secret) }, "\(secret) appeared in the logs")
        }
    }
}
