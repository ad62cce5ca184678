import Foundation

/// A campaign's stages as the command line takes them: `名称:2026-12-01:2026-12-15;…`, in
/// order, each within the campaign's period and after the one before.
public struct StageSpec: Sendable, Equatable {
    public var name, startsOn, endsOn: String

    public init(name: String, startsOn: String, endsOn: String) {
        self.name = name
        self.startsOn = startsOn
        self.endsOn = endsOn
    }

    /// The stages, or the first thing wrong with them, said in English for the command line.
    public static func parse(_ text: String, campaignStarts: String, campaignEnds: String) -> Result<[StageSpec], SpecError> {
        guard isDate(campaignStarts), isDate(campaignEnds), campaignStarts <= campaignEnds else {
            return .failure(SpecError("the campaign needs --starts and --ends as YYYY-MM-DD, the start not after the end"))
        }
        var stages: [StageSpec] = []
        for (i, part) in text.split(separator: ";").enumerated() {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3, !fields[0].isEmpty, fields[0].count <= 50 else {
                return .failure(SpecError("stage \(i + 1): write NAME:YYYY-MM-DD:YYYY-MM-DD (got \(part))"))
            }
            let stage = StageSpec(name: fields[0], startsOn: fields[1], endsOn: fields[2])
            guard isDate(stage.startsOn), isDate(stage.endsOn), stage.startsOn <= stage.endsOn else {
                return .failure(SpecError("stage \(i + 1) (\(stage.name)): dates must be real YYYY-MM-DD days, the start not after the end"))
            }
            guard stage.startsOn >= campaignStarts, stage.endsOn <= campaignEnds else {
                return .failure(SpecError("stage \(i + 1) (\(stage.name)): outside the campaign's \(campaignStarts) – \(campaignEnds)"))
            }
            if let last = stages.last, stage.startsOn <= last.endsOn {
                return .failure(SpecError("stage \(i + 1) (\(stage.name)): starts before stage \(i) ends"))
            }
            if stages.contains(where: { $0.name == stage.name }) {
                return .failure(SpecError("stage \(i + 1): the name \(stage.name) is used twice"))
            }
            stages.append(stage)
        }
        return stages.isEmpty ? .failure(SpecError("at least one stage")) : .success(stages)
    }

    /// A real calendar day written YYYY-MM-DD (so text order is date order).
    public static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1900...2999).contains(y), (1...12).contains(m), d >= 1 else { return false }
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }

    public struct SpecError: Error, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
