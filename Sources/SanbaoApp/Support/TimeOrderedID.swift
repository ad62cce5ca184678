import Foundation
import SanbaoDomain

/// UUIDs for bulk inserts, time-ordered as RFC 9562's version 7: 48 bits of Unix milliseconds,
/// then a counter, then random bits. Ids made one after another sort one after another, so a
/// million-row import appends to the primary-key index instead of writing all over it, and
/// making one costs no system call (Foundation's `UUID()` reads /dev/urandom each time).
struct TimeOrderedID {
    private var random: SeededRandom
    private var lastMillis: UInt64 = 0
    private var counter: UInt64 = 0

    init() {
        var system = SystemRandomNumberGenerator()
        random = SeededRandom(seed: system.next())
    }

    mutating func next(now: Date = Date()) -> UUID {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        if millis > lastMillis {
            lastMillis = millis
            counter = random.next() >> 23          // 41 random bits: room to count up within the millisecond
        } else {
            counter += 1
        }
        let high = lastMillis << 16 | 0x7000 | (counter >> 30) & 0x0FFF
        let low = 0x8000_0000_0000_0000 | (counter & 0x3FFF_FFFF) << 32 | random.next() >> 32
        return UUID(uuid: withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { b in
            (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        })
    }

    /// A single id, for a row made on its own.
    static func one(now: Date = Date()) -> UUID {
        var ids = TimeOrderedID()
        return ids.next(now: now)
    }
}
