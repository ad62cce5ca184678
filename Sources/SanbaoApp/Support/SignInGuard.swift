import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// What stands between a flood of sign-in attempts and the rest of the server:
/// - bcrypt runs on a pool of its own, so a hundred guesses queue behind each other instead of
///   in front of the database work that shares the application's thread pool (SQLite runs its
///   queries there: a flood of 40 guesses once made other users wait 13 s and time out);
/// - each address gets `burst` attempts, refilled at `perMinute`: more answer 429 at once,
///   before any query or hash;
/// - usernames that do not exist are counted like those that do, so that a lock (and how long
///   the answer takes) does not tell which usernames exist.
final class SignInGuard: Sendable {
    let hashing: NIOThreadPool
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])
    private let unknown = NIOLockedValueBox<[String: Failures]>([:])
    let burst, perMinute: Double
    /// A bcrypt hash at the configured cost that no password matches: checked against when there
    /// is no real hash to check, so that path takes as long as a real check. Written, not
    /// computed: a check costs the cost its hash names, whatever the salt and checksum say.
    let timingDummy: String

    private struct Bucket { var tokens: Double; var at: Date }
    private struct Failures { var count: Int; var lockedUntil: Date?; var at: Date }
    /// Past this many addresses or unknown names remembered, the oldest go (a spray of
    /// addresses or names must not grow memory without end).
    static let remembered = 10_000

    init(burst: Int, perMinute: Int, bcryptCost: Int, threads: Int = max(1, System.coreCount / 2)) {
        timingDummy = "$2b$" + String(format: "%02d", bcryptCost) + "$LjWVOfJO4mbb6bsnUWs8JOdT23HkXEEA5eCGm78PaXKUm3SZVjxPi"
        self.burst = Double(burst)
        self.perMinute = Double(perMinute)
        hashing = NIOThreadPool(numberOfThreads: threads)
        hashing.start()
    }

    /// Takes one attempt from the address's allowance; false when it has none left.
    func admit(_ address: String, now: Date = Date()) -> Bool {
        buckets.withLockedValue { all in
            var b = all[address] ?? Bucket(tokens: burst, at: now)
            b.tokens = min(burst, b.tokens + now.timeIntervalSince(b.at) / 60 * perMinute)
            b.at = now
            guard b.tokens >= 1 else { all[address] = b; return false }
            b.tokens -= 1
            if all[address] == nil, all.count >= Self.remembered { Self.dropOldest(&all, by: \.at) }
            all[address] = b
            return true
        }
    }

    /// For a username that does not exist: counts a failure as the users table would and says
    /// whether the name now counts as locked (and for how many minutes).
    func unknownNameFailed(_ name: String, threshold: Int, duration: TimeInterval, now: Date = Date()) -> Int? {
        unknown.withLockedValue { all in
            var f = all[name] ?? Failures(count: 0, lockedUntil: nil, at: now)
            if let until = f.lockedUntil, until > now {
                return Int((until.timeIntervalSince(now) / 60).rounded(.up))
            }
            if f.lockedUntil != nil { f = Failures(count: 0, lockedUntil: nil, at: now) }
            f.count += 1
            f.at = now
            var minutes: Int?
            if f.count >= threshold {
                f = Failures(count: 0, lockedUntil: now.addingTimeInterval(duration), at: now)
                minutes = Int(duration / 60)
            }
            if all[name] == nil, all.count >= Self.remembered { Self.dropOldest(&all, by: \.at) }
            all[name] = f
            return minutes
        }
    }

    private static func dropOldest<V>(_ all: inout [String: V], by at: KeyPath<V, Date>) {
        let cut = all.values.map { $0[keyPath: at] }.sorted()[all.count / 2]
        all = all.filter { $0.value[keyPath: at] > cut }
    }
}

