import Foundation

extension VisitSubmission {
    /// Reads a submission from its JSON without `Codable`, or says nil.
    ///
    /// `JSONDecoder` was a quarter of a visit request's CPU: every key goes through a keyed
    /// container, and each answer is tried as a yes/no, then a number, then a text, each failed
    /// try building an error. This reader walks the bytes once. It takes only what it is sure
    /// `JSONDecoder` (ISO 8601 dates) would read the same way — well-formed JSON, every field of the
    /// expected type, no key twice, dates as `2026-11-20T09:00:00Z` or with a `+08:00` offset — and
    /// gives nil for anything else, so that the caller decodes that body with `JSONDecoder`, whose
    /// errors name the field. A test holds the two to the same result.
    public static func read(_ bytes: [UInt8]) -> VisitSubmission? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            guard let value = reader.document() else { return nil }
            return submission(value)
        }
    }

    private static func submission(_ value: JSONValue) -> VisitSubmission? {
        guard let o = value.object,
              let taskID = o.optional("task_id", \.uuid), let enterprise = o.optional("enterprise", \.string),
              let reason = o.optional("ad_hoc_reason", \.string),
              let started = o["started_at"]?.date, let finished = o["finished_at"]?.date,
              let location = o.optional("location", location), let people = o["people_met"]?.string,
              let enterpriseResponse = o["enterprise_response"].flatMap(response),
              let workerResponses = o["worker_responses"]?.array?.compactMapAll(response),
              let problems = o["problems"]?.array?.compactMapAll(problem) else { return nil }
        return VisitSubmission(taskID: taskID, enterprise: enterprise, adHocReason: reason, startedAt: started, finishedAt: finished,
                               location: location, peopleMet: people, enterpriseResponse: enterpriseResponse,
                               workerResponses: workerResponses, problems: problems)
    }

    private static func location(_ value: JSONValue) -> Location? {
        guard let o = value.object, let lat = o["lat"]?.number, let lon = o["lon"]?.number,
              let accuracy = o.optional("accuracy_m", \.number) else { return nil }
        return Location(lat: lat, lon: lon, accuracyM: accuracy)
    }

    private static func response(_ value: JSONValue) -> Response? {
        guard let o = value.object, let questionnaire = o["questionnaire"]?.string, let version = o["version"]?.integer,
              let workerID = o.optional("worker_id", \.uuid), let newWorker = o.optional("new_worker", newWorker),
              case .object(let given)? = o["answers"] else { return nil }
        var answers: [String: Answer] = [:]
        answers.reserveCapacity(given.count)
        for (key, value) in given {
            let answer: Answer
            switch value {
            case .bool(let b): answer = .yes(b)
            case .number(let n, _): answer = .number(n)
            case .string(let s): answer = .text(s)
            case .array(let items):
                guard let choices = items.compactMapAll(\.string) else { return nil }
                answer = .choices(choices)
            default: return nil
            }
            answers[key] = answer
        }
        return Response(questionnaire: questionnaire, version: version, workerID: workerID, newWorker: newWorker, answers: answers)
    }

    private static func newWorker(_ value: JSONValue) -> NewWorker? {
        guard let o = value.object, let name = o["name"]?.string, let idNumber = o["id_number"]?.string,
              let phone = o.optional("phone", \.string), let job = o.optional("job", \.string) else { return nil }
        return NewWorker(name: name, idNumber: idNumber, phone: phone, job: job)
    }

    private static func problem(_ value: JSONValue) -> Problem? {
        guard let o = value.object, let category = o["category"]?.string.flatMap(ProblemCategory.init(rawValue:)),
              let description = o["description"]?.string, let severity = o["severity"]?.string.flatMap(ProblemSeverity.init(rawValue:)),
              let workerID = o.optional("worker_id", \.uuid) else { return nil }
        return Problem(category: category, description: description, severity: severity, workerID: workerID)
    }
}

/// A parsed JSON value; an object keeps its members in order (a key given twice is refused).
private enum JSONValue {
    case null
    case bool(Bool)
    /// The value, and whether it was written as a plain integer.
    case number(Double, integral: Bool)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    var object: JSONObject? { if case .object(let members) = self { JSONObject(members: members) } else { nil } }
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let n, _) = self { n } else { nil } }
    var integer: Int? {
        guard case .number(let n, true) = self, abs(n) < 1e15 else { return nil }
        return Int(n)
    }
    var uuid: UUID? { string.flatMap(UUID.init(uuidString:)) }
    var date: Date? { string.flatMap(ISODate.parse) }
}

private struct JSONObject {
    var members: [(String, JSONValue)]

    subscript(_ key: String) -> JSONValue? { members.first { $0.0 == key }?.1 }

    /// An optional field: absent or null is `.some(nil)`; present with the wrong type, nil.
    func optional<T>(_ key: String, _ read: (JSONValue) -> T?) -> T?? {
        guard let value = self[key] else { return .some(nil) }
        if case .null = value { return .some(nil) }
        return read(value).map { .some($0) }
    }
}

private extension Array {
    /// Every element mapped, or nil if any fails.
    func compactMapAll<T>(_ transform: (Element) -> T?) -> [T]? {
        var out: [T] = []
        out.reserveCapacity(count)
        for element in self {
            guard let t = transform(element) else { return nil }
            out.append(t)
        }
        return out
    }
}

/// `yyyy-MM-ddTHH:mm:ss` with `Z` or `±HH:MM`, whole seconds, years 1900–2999.
private enum ISODate {
    static func parse(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count == 20 || u.count == 25 else { return nil }
        func digits(_ from: Int, _ n: Int) -> Int? {
            var v = 0
            for i in from..<from + n {
                guard (0x30...0x39).contains(u[i]) else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        guard u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54, u[13] == 0x3A, u[16] == 0x3A,
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
              // Years Foundation's calendar counts as this does (before 1582 it is Julian).
              (1900...2999).contains(year), (1...12).contains(month), (1...daysIn(month, year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        var offset = 0
        if u.count == 20 {
            guard u[19] == 0x5A else { return nil }
        } else {
            guard u[19] == 0x2B || u[19] == 0x2D, u[22] == 0x3A, let h = digits(20, 2), let m = digits(23, 2), h < 24, m < 60 else { return nil }
            offset = (u[19] == 0x2B ? 1 : -1) * (h * 3600 + m * 60)
        }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// A strict JSON reader (RFC 8259) over bytes; nil on anything it does not accept.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() -> JSONValue? {
        guard let v = value() else { return nil }
        skipSpace()
        return i == bytes.count ? v : nil
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    private mutating func value() -> JSONValue? {
        skipSpace()
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case 0x7B: return object()
        case 0x5B: return array()
        case 0x22: return string().map(JSONValue.string)
        case 0x74: return literal("true") ? .bool(true) : nil
        case 0x66: return literal("false") ? .bool(false) : nil
        case 0x6E: return literal("null") ? .null : nil
        default: return number()
        }
    }

    private mutating func object() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth < 32 else { return nil }
        i += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == 0x7D { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x22, let key = string() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3A else { return nil }
            i += 1
            guard let v = value(), !members.contains(where: { $0.0 == key }) else { return nil }
            members.append((key, v))
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x7D { i += 1; return .object(members) }
            return nil
        }
    }

    private mutating func array() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth < 32 else { return nil }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == 0x5D { i += 1; return .array(items) }
        while true {
            guard let v = value() else { return nil }
            items.append(v)
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x5D { i += 1; return .array(items) }
            return nil
        }
    }

    /// A string starting at its opening quote.
    private mutating func string() -> String? {
        i += 1
        let start = i
        // The common case: no escapes — the bytes as they are, checked as UTF-8.
        while i < bytes.count, bytes[i] != 0x22, bytes[i] != 0x5C {
            guard bytes[i] >= 0x20 else { return nil }
            i += 1
        }
        guard i < bytes.count else { return nil }
        if bytes[i] == 0x22 {
            defer { i += 1 }
            return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 {
                i += 1
                return String(validating: out, as: UTF8.self)
            }
            guard b >= 0x20 else { return nil }
            if b != 0x5C { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { return nil }
            let e = bytes[i]
            i += 1
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else { return nil }
                    i += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    return nil
                }
                guard let u = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: UTF8.encode(u)!)
            default: return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() -> JSONValue? {
        let start = i
        var integral = true
        if i < bytes.count, bytes[i] == 0x2D { i += 1 }
        guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { return nil }
        if bytes[i] == 0x30 {
            i += 1
        } else {
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x2E {
            integral = false
            i += 1
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { return nil }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            // JSONDecoder refuses some zeros with an exponent ("0e2", "-0.0e3") and takes
            // others: left to it.
            guard bytes[start..<i].contains(where: { (0x31...0x39).contains($0) }) else { return nil }
            integral = false
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { return nil }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        guard i - start <= 40, let n = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)), n.isFinite else { return nil }
        // Too small to be anything but zero: JSONDecoder refuses it.
        if n == 0, !integral, bytes[start..<i].prefix(while: { $0 != 0x65 && $0 != 0x45 }).contains(where: { (0x31...0x39).contains($0) }) { return nil }
        return .number(n, integral: integral)
    }
}
