import Foundation
import SanbaoDomain
import SQLKit

/// Merging (并单): which problems look like repeats of one another. The merge itself is a
/// step (`ProblemService.Action.merge`).
extension ProblemService {
    /// Proposed merges (并单) for a problem: others about the same enterprise and category,
    /// reported within the office's window of it, not closed or merged away.
    func mergeCandidates(for row: Row, windowDays: Int) async throws -> [Row] {
        guard let reported = row.reported_on.flatMap(Day.init), ProblemStatus(rawValue: row.status)?.isOpen == true else { return [] }
        return try await sql.raw("""
            \(unsafeRaw: Self.select)
            JOIN problems q ON q.id = \(bind: row.id)
            WHERE p.enterprise_id = q.enterprise_id AND p.category = \(bind: row.category)
              AND p.id <> \(bind: row.id) AND p.status NOT IN ('closed', 'merged')
              AND \(unsafeRaw: Self.sameWorker)
              AND p.reported_on BETWEEN \(bind: reported.adding(-windowDays).description) AND \(bind: reported.adding(windowDays).description)
              AND \(visible)
            ORDER BY p.reported_on, p.id LIMIT 20
            """).all(decoding: Row.self)
    }

    /// Problems about two different named workers are two matters, whatever else they share.
    static let sameWorker = "(p.worker_id IS NULL OR q.worker_id IS NULL OR p.worker_id = q.worker_id)"

    /// The problems merged into this one: their reporters and visits (evidence) count here.
    func mergedIn(_ id: UUID) async throws -> [Row] {
        try await sql.raw("\(unsafeRaw: Self.select) WHERE p.merged_into_id = \(bind: id) ORDER BY p.reported_on, p.id LIMIT 100")
            .all(decoding: Row.self)
    }

    struct MergeProposal: Codable {
        var enterprise, category: String
        var problems: Int
        /// The latest report: its page proposes merging it into the others.
        var latest: UUID
    }

    /// Reports of the past week that repeat an open problem of the same enterprise and category
    /// reported within the office's window: one line per enterprise and category. (Two
    /// problems about two named workers — two families' hardship — are two matters, never
    /// proposed.) Older repeats are proposed on the problem's own page.
    func mergeProposals(windowDays: Int, today: Day = ProblemRules.today(), limit: Int = 20) async throws -> [MergeProposal] {
        struct Report: Decodable {
            var id: UUID; var enterprise: String; var category: String; var reported_on: String?; var earlier: String?; var others: Int
        }
        let others = "FROM problems q WHERE q.enterprise_id = p.enterprise_id AND q.category = p.category AND q.id <> p.id " +
            "AND q.status NOT IN ('closed', 'merged') AND \(Self.sameWorker)"
        let recent = try await sql.raw("""
            SELECT p.id, e.name AS enterprise, p.category, p.reported_on,
                   (SELECT MAX(q.reported_on) \(unsafeRaw: others) AND q.reported_on <= p.reported_on) AS earlier,
                   (SELECT COUNT(*) \(unsafeRaw: others)) AS others
            FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
            WHERE p.reported_on >= \(bind: today.adding(-7).description) AND p.status NOT IN ('closed', 'merged') AND \(visible)
              AND EXISTS (SELECT 1 \(unsafeRaw: others))
            ORDER BY p.reported_on DESC, p.id LIMIT 500
            """).all(decoding: Report.self)
        var seen = Set<String>()
        var proposals: [MergeProposal] = []
        for r in recent where proposals.count < limit {
            // Close enough: the earlier report within the window (a later one is proposed from its own page).
            guard let day = r.reported_on.flatMap(Day.init), let earlier = r.earlier.flatMap(Day.init),
                  day.ordinal - earlier.ordinal <= windowDays, seen.insert(r.enterprise + r.category).inserted else { continue }
            proposals.append(MergeProposal(enterprise: r.enterprise, category: r.category, problems: r.others + 1, latest: r.id))
        }
        return proposals
    }
}
