import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Work `sanbao serve` repeats by itself, so that nothing needs a cron: shortly after the server
/// starts, then every `every`. A failed run is logged and tried again next time; it never stops
/// the server. Tests and other commands run the work when they mean to.
final class RepeatingJob: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)
    let name: String
    let initialDelay, every: TimeAmount
    let body: @Sendable (Application) async throws -> Void

    init(_ name: String, initialDelay: TimeAmount, every: TimeAmount, _ body: @escaping @Sendable (Application) async throws -> Void) {
        (self.name, self.initialDelay, self.every, self.body) = (name, initialDelay, every, body)
    }

    /// Started by `serve` itself: a lifecycle handler added once a command runs comes after the
    /// application booted, so its `didBoot` is never called (the problem scan never ran in
    /// `serve` that way). Stopped with the application (`shutdownAsync`).
    func start(_ app: Application) {
        let loop = app.eventLoopGroup.any()
        let (name, body) = (self.name, self.body)
        let repeated = loop.scheduleRepeatedAsyncTask(initialDelay: initialDelay, delay: every) { _ in
            loop.makeFutureWithTask {
                do { try await body(app) } catch { app.logger.error("\(name) failed: \(String(reflecting: error))") }
            }
        }
        task.withLockedValue { $0 = repeated }
    }

    func shutdownAsync(_ app: Application) async {
        task.withLockedValue { $0?.cancel(); $0 = nil }
    }
}

extension RepeatingJob {
    /// The problem ledger's scan (reminders, escalations), every `SANBAO_SCAN_MINUTES`.
    static func problemScan(every: TimeAmount) -> RepeatingJob {
        RepeatingJob("problem scan", initialDelay: .seconds(5), every: every) { app in
            let outcome = try await ProblemScan(app: app, db: app.db).run()
            app.logger.info("problem scan: \(outcome)")
        }
    }

    /// New visits into the tallies: what a catch-up of full batches left (a part batch) and what
    /// the writer only noted (`tally_pending`, another instance's or from before a restart). Readers
    /// take in only what they can at once, so this is what keeps the figures within seconds.
    static func tallies(every: TimeAmount) -> RepeatingJob {
        RepeatingJob("tally catch-up", initialDelay: every, every: every) { app in try await Tallies.catchUp(app, app.db) }
    }
}
