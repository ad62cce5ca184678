import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Brings the tallies up to date every half minute inside the server, so that the visits the
/// writer only noted (`tally_pending`) never pile up for the first dashboard opened after a
/// quiet day; readers still bring them up to date themselves for what came in since. Only
/// `sanbao serve` installs it.
final class TallyScheduler: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)
    let every: TimeAmount

    init(every: TimeAmount) { self.every = every }

    func didBootAsync(_ app: Application) async throws {
        let loop = app.eventLoopGroup.any()
        let repeated = loop.scheduleRepeatedAsyncTask(initialDelay: every, delay: every) { _ in
            loop.makeFutureWithTask {
                do {
                    try await VisitTally.upToDate(app, app.db)
                } catch {
                    // Tried again next time; readers bring the tallies up to date themselves anyway.
                    app.logger.error("tally flush failed: \(String(reflecting: error))")
                }
            }
        }
        task.withLockedValue { $0 = repeated }
    }

    func shutdownAsync(_ app: Application) async {
        task.withLockedValue { $0?.cancel(); $0 = nil }
    }
}
