import Foundation
import SanbaoDomain

/// `sanbao solver run --input FILE --output FILE [--balance SHARE:PENALTY]`: the assignment
/// solver alone, on the reference binary format of `shared/bench/assign` (`ASG1`), so that it
/// can be measured against OR-Tools on the same instances. It needs no database, so `main`
/// hands it the arguments before the app is configured.
public enum SolverCommand {
    public static func isInvoked(_ arguments: [String]) -> Bool {
        arguments.dropFirst().first == "solver"
    }

    /// Returns the exit status. The last line printed is `cost=… seconds=… unassigned=…`.
    public static func run(_ arguments: [String]) -> Int32 {
        let usage = "usage: sanbao solver run --input FILE.bin --output FILE [--balance SHARE:PENALTY] [--verify] [--edits N]"
        var args = Array(arguments.dropFirst(3))
        guard arguments.dropFirst().prefix(2) == ["solver", "run"] else { print(usage); return 2 }
        var input: String?, output: String?, fairness: AssignmentProblem.Fairness?, verify = false, edits = 0
        while !args.isEmpty {
            let flag = args.removeFirst()
            switch flag {
            case "--input": input = args.isEmpty ? nil : args.removeFirst()
            case "--output": output = args.isEmpty ? nil : args.removeFirst()
            case "--verify": verify = true
            case "--edits":
                guard let text = args.first, let n = Int(text), n >= 0 else { print("--edits takes a count"); return 2 }
                args.removeFirst()
                edits = n
            case "--balance":
                guard let text = args.first, let parsed = AssignmentProblem.Fairness(parsing: text) else {
                    print("--balance takes SHARE:PENALTY, e.g. 0.8:2000")
                    return 2
                }
                args.removeFirst()
                fairness = parsed
            default:
                print("unknown option \(flag)\n\(usage)")
                return 2
            }
        }
        guard let input, let output else { print(usage); return 2 }
        do {
            let started = Date()
            var problem = try ReferenceInstance.read(path: input)
            problem.fairness = fairness
            let n = problem.enterpriseCount, arcs = problem.arcCount
            print("read n=\(n) m=\(problem.cadreCount) arcs=\(arcs) seconds=\(format(Date().timeIntervalSince(started)))")
            let solveStart = Date()
            let solver = AssignmentSolver(problem)
            let unplaced = solver.solve()
            let seconds = Date().timeIntervalSince(solveStart)
            print("searches=\(solver.searchCount) settled=\(solver.settledCount)")
            if verify {
                let proof = solver.verify()
                print(proof.map { "verify: FAILED \($0)" } ?? "verify: optimal (no residual arc with a negative reduced cost)")
            }
            try writeAssignment(solver, to: output)
            if edits > 0 { print(measureEdits(solver, count: edits)) }
            if unplaced > 0 {
                let examples = (0..<n).filter { solver.cadre(of: $0) == nil }.prefix(10)
                print("not placed (first \(examples.count)): " + examples.map { "\($0) (\(solver.outcome(of: $0) == .noCandidates ? "no candidate cadre" : "all candidate cadres full"))" }.joined(separator: ", "))
            }
            print("cost=\(solver.totalDistance + solver.totalPenalty) seconds=\(format(seconds)) unassigned=\(unplaced)")
            return 0
        } catch {
            print("error: \(error)")
            return 1
        }
    }

    private static func format(_ seconds: TimeInterval) -> String { String(format: "%.3f", seconds) }

    /// Local re-solves after the assignment is written: `count` times, an enterprise is taken
    /// out and put back with its candidates, and a cadre is marked away and back; each re-routes
    /// from the current potentials. Prints the mean time of each kind of edit.
    private static func measureEdits(_ solver: AssignmentSolver, count: Int) -> String {
        var rng = SeededRandom(seed: 7)
        var live = Array(0..<solver.count)
        var outIn = 0.0, away = 0.0, back = 0.0, added = 0.0
        for _ in 0..<count {
            let slot = Int.random(in: 0..<live.count, using: &rng)
            let candidates = solver.candidates(of: live[slot])
            var start = Date()
            solver.removeEnterprise(live[slot])
            live[slot] = solver.addEnterprise(candidates: candidates)
            outIn += Date().timeIntervalSince(start)
            guard let c = solver.cadre(of: live[Int.random(in: 0..<live.count, using: &rng)]) else { continue }
            let capacity = solver.capacity(ofCadre: c)
            start = Date()
            solver.exclude(cadre: c)
            away += Date().timeIntervalSince(start)
            start = Date()
            solver.reopen(cadre: c, capacity: capacity)
            back += Date().timeIntervalSince(start)
            // A colleague joins with the same reach (found outside the timing).
            let reach = live.compactMap { e in solver.candidates(of: e).first { $0.cadre == c }.map { (enterprise: e, cost: $0.cost) } }
            start = Date()
            solver.addCadre(capacity: capacity, group: -1, candidates: reach)
            added += Date().timeIntervalSince(start)
        }
        let proof = solver.verify() == nil ? "still optimal" : "CERTIFICATE FAILED"
        let ms = { (t: Double) in String(format: "%.2f", t / Double(count) * 1000) }
        return "edits=\(count) enterprise_out_and_in_ms=\(ms(outIn)) cadre_away_ms=\(ms(away)) cadre_back_ms=\(ms(back)) new_cadre_ms=\(ms(added)) \(proof)"
    }

    private static func writeAssignment(_ solver: AssignmentSolver, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw ReferenceInstance.ReadError("cannot write \(path)")
        }
        defer { try? file.close() }
        var chunk = ""
        chunk.reserveCapacity(1 << 20)
        for e in 0..<solver.count {
            guard let c = solver.cadre(of: e) else { continue }
            chunk += "\(e) \(c)\n"
            if chunk.utf8.count > 1 << 20 {
                try file.write(contentsOf: Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try file.write(contentsOf: Data(chunk.utf8))
    }
}

/// The reference generator's binary instance: `ASG1`, int64 n, m, E, int32 tail[E], int32
/// head[E], int64 cost[E], int64 quota[m], little-endian, arcs sorted by enterprise. Read in
/// chunks straight into the solver's arrays, so a 20M-arc province never sits in memory twice.
enum ReferenceInstance {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func read(path: String) throws -> AssignmentProblem {
        guard let file = FileHandle(forReadingAtPath: path) else { throw ReadError("cannot open \(path)") }
        defer { try? file.close() }
        let header = try exactly(28, from: file, what: "header")
        guard header.prefix(4) == Data("ASG1".utf8) else { throw ReadError("\(path) is not an ASG1 file") }
        let sizes = header.dropFirst(4).withUnsafeBytes { raw in (0..<3).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) } }
        let (n, m, arcs) = (sizes[0], sizes[1], sizes[2])
        guard n >= 0, m >= 0, arcs >= 0, n < Int(Int32.max), m < Int(Int32.max) else { throw ReadError("bad sizes n=\(n) m=\(m) E=\(arcs)") }

        var start = [Int](repeating: 0, count: n + 1)
        var tails = [Int32](repeating: 0, count: min(arcs, 1 << 22))
        var done = 0
        while done < arcs {
            let count = min(tails.count, arcs - done)
            try fill(&tails, count: count, from: file, what: "tail")
            for i in 0..<count {
                let e = Int(tails[i])
                guard e >= 0 && e < n else { throw ReadError("arc \(done + i): enterprise \(e) out of range") }
                start[e + 1] += 1
            }
            done += count
        }
        tails = []
        for e in 0..<n { start[e + 1] += start[e] }
        var heads = [Int32](repeating: 0, count: arcs)
        try fill(&heads, count: arcs, from: file, what: "head")
        var costs = [Int64](repeating: 0, count: arcs)
        try fill(&costs, count: arcs, from: file, what: "cost")
        var quota = [Int64](repeating: 0, count: m)
        try fill(&quota, count: m, from: file, what: "quota")
        let problem = AssignmentProblem(enterpriseCount: n, cadreCount: m, arcStart: start, arcCadre: heads,
                                        arcCost: costs, cadreCapacity: quota)
        if let error = problem.validationError() { throw ReadError(error) }
        return problem
    }

    private static func exactly(_ count: Int, from file: FileHandle, what: String) throws -> Data {
        let data = try file.read(upToCount: count) ?? Data()
        guard data.count == count else { throw ReadError("file ends inside the \(what) section") }
        return data
    }

    /// Copies `count` little-endian values into the array's memory, 64 MB at a time.
    private static func fill<T: FixedWidthInteger>(_ array: inout [T], count: Int, from file: FileHandle, what: String) throws {
        let size = MemoryLayout<T>.size
        var offset = 0
        while offset < count * size {
            let data = try exactly(min(64 << 20, count * size - offset), from: file, what: what)
            array.withUnsafeMutableBytes { dst in data.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: dst[offset..<offset + data.count])) }
            offset += data.count
        }
        #if _endian(big)
        for i in 0..<count { array[i] = T(littleEndian: array[i]) }
        #endif
    }
}
