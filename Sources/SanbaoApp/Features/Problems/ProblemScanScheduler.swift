import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Runs `ProblemScan` inside the server — shortly after it starts, then every
/// `SANBAO_SCAN_MINUTES` minutes (default 10) — so reminders and escalations need no cron.
/// Only `sanbao serve` installs it; tests and other commands run the scan when they mean to.
final class ProblemScanScheduler: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)
    let every: TimeAmount

    init(every: TimeAmount) { self.every = every }

    func didBootAsync(_ app: Application) async throws {
        let loop = app.eventLoopGroup.any()
        let repeated = loop.scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: every) { _ in
            loop.makeFutureWithTask {
                do {
                    let outcome = try await ProblemScan(app: app, db: app.db).run()
                    app.logger.info("problem scan: \(outcome)")
                } catch {
                    // A failed run is logged and tried again next time; it never stops the server.
                    app.logger.error("problem scan failed: \(String(reflecting: error))")
                }
            }
        }
        task.withLockedValue { $0 = repeated }
    }

    func shutdownAsync(_ app: Application) async {
        task.withLockedValue { $0?.cancel(); $0 = nil }
    }
}
