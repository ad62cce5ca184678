/// A province federation for benchmarks (`sanbao demo --scale province`): 安徽省总工会 with
/// its 16 cities, each with districts and counties, towns and streets, communities and
/// industry unions, about 50,000 cadres and about 1,000,000 enterprises. The tree and the
/// cadres are held in memory; the enterprises are written out one at a time, so that they go
/// in through the same streaming import a real province list would.
public struct DemoProvince: Sendable {
    public static let defaultSeed: UInt64 = 20_091_001
    public static let enterpriseCount = 1_000_000

    public private(set) var units: [OrgUnitRecord] = []
    public private(set) var cadres: [CadreRecord] = []
    public private(set) var signIns: [DemoCity.SignIn] = []
    let seed: UInt64

    /// (code, short name, lat, lon): the 16 cities, with their statistical division codes.
    static let cities: [(String, String, Double, Double)] = [
        ("3401", "合肥", 31.82, 117.23), ("3402", "芜湖", 31.35, 118.43), ("3403", "蚌埠", 32.92, 117.39),
        ("3404", "淮南", 32.63, 117.00), ("3405", "马鞍山", 31.67, 118.51), ("3406", "淮北", 33.96, 116.80),
        ("3407", "铜陵", 30.94, 117.81), ("3408", "安庆", 30.54, 117.06), ("3410", "黄山", 29.71, 118.34),
        ("3411", "滁州", 32.30, 118.32), ("3412", "阜阳", 32.89, 115.81), ("3413", "宿州", 33.65, 116.96),
        ("3415", "六安", 31.73, 116.52), ("3416", "亳州", 33.84, 115.78), ("3417", "池州", 30.66, 117.49),
        ("3418", "宣城", 30.94, 118.76),
    ]
    static let placeSyllables = Array("东西南北新安平和兴隆永丰长宁清泉石桥河湾山岗集店庄镇城阳明光华荣德义")

    public init(seed: UInt64 = DemoProvince.defaultSeed) {
        self.seed = seed
        var rng = SeededRandom(seed: seed)
        // Capacity 16–32 a cadre: 50,000 cadres can take the million enterprises with room to spare.
        var tree = DemoTree(capacity: 16...32)
        tree.add(OrgUnitRecord(code: "34", name: "安徽省总工会", kind: .cityFederation, parentCode: nil, territory: "34",
                               lat: 31.86, lon: 117.28), cadres: 100, rng: &rng)
        for (code, short, lat, lon) in Self.cities {
            tree.add(OrgUnitRecord(code: code, name: short + "市总工会", kind: .cityFederation, parentCode: "34", territory: code,
                                   lat: lat, lon: lon), cadres: 150, rng: &rng)
            let districts = code == "3401" ? DemoPlaces.districts : Self.districts(of: code, lat: lat, lon: lon, rng: &rng)
            for d in districts { tree.addDistrict(d, parent: code, cadres: (60, 24), rng: &rng) }
            for s in DemoPlaces.sectoral where s.kind == .industryUnion {
                tree.add(OrgUnitRecord(code: s.code + "-" + code, name: short + s.name, kind: s.kind, parentCode: code, territory: code,
                                       sectors: Jurisdiction.parseSectors(s.sectors).codes,
                                       lat: round6(rng.jitter(lat, by: 0.03)), lon: round6(rng.jitter(lon, by: 0.03))),
                         cadres: 20, rng: &rng)
            }
        }
        units = tree.units
        cadres = tree.cadres
        signIns = DemoCity.signIns(level: "省", root: "34", district: "340104", sectoral: "IND-JX-3401", cadres: cadres)
    }

    /// Eight districts and counties for a city other than 合肥, twelve towns and streets each.
    static func districts(of city: String, lat: Double, lon: Double, rng: inout SeededRandom) -> [DemoPlaces.District] {
        var names: Set<String> = []
        func name(_ suffix: String) -> String {
            var n = ""
            repeat { n = String(rng.pick(placeSyllables)) + String(rng.pick(placeSyllables)) + suffix } while !names.insert(n).inserted
            return n
        }
        return ["02", "03", "04", "11", "21", "22", "23", "81"].enumerated().map { i, suffix in
            let urban = i < 4
            let towns = (0..<12).map { t in name(urban && t < 8 ? "街道" : (t % 3 == 0 ? "乡" : "镇")) }
            return DemoPlaces.District(code: city + suffix, name: name(urban ? "区" : "县"), kind: urban ? .district : .county,
                                       lat: round6(rng.jitter(lat, by: 0.3)), lon: round6(rng.jitter(lon, by: 0.3)),
                                       spread: urban ? 0.05 : 0.15, towns: towns)
        }
    }

    /// The enterprises as CSV lines (the header first), handed to `write` one at a time;
    /// `workers` receives a few of them to give workers to.
    public func writeEnterprises(count: Int = DemoProvince.enterpriseCount, _ write: (String) throws -> Void) rethrows -> [EnterpriseRecord] {
        var rng = SeededRandom(seed: seed &+ 1)
        let places = units.filter { $0.kind == .town || $0.kind == .street }
        let cityOf = Dictionary(uniqueKeysWithValues: Self.cities.map { ($0.0, $0.1) })
        try write(CSVWriter.line(EnterpriseRecord.header.columns.map(\.key)))
        var usedNames: Set<Int> = []
        var sample: [EnterpriseRecord] = []
        let duplicates = min(200, count / 100)
        var written = 0
        while written < count - duplicates {
            let d = DemoEnterprises.draft(places: places, city: { cityOf[String($0.code.prefix(4))] ?? "安徽" },
                                             longBrands: true, rng: &rng)
            guard usedNames.insert(d.name.hashValue).inserted else { continue }
            let e = DemoEnterprises.complete(d, rng: &rng)
            try write(CSVWriter.line(e.csvFields))
            if written % 100 == 0 { sample.append(e) }
            written += 1
        }
        for i in 0..<duplicates {
            let e = sample[i * 37 % sample.count]
            try write(CSVWriter.line(DemoEnterprises.twin(of: e, city: cityOf[String(e.divisionCode.prefix(4))] ?? "", rng: &rng).csvFields))
        }
        return sample
    }

    /// Workers of a sample of the enterprises (a province's registry grows from the visits).
    public func workers(of sample: [EnterpriseRecord], count: Int = 20_000) -> [WorkerRecord] {
        var rng = SeededRandom(seed: seed &+ 2)
        return DemoEnterprises.workers(for: sample, count: count, rng: &rng)
    }

    public var unitsCSV: String {
        CSVWriter.line(OrgUnitRecord.header.columns.map(\.key)) + units.map { CSVWriter.line($0.csvFields) }.joined()
    }

    public var cadresCSV: String {
        CSVWriter.line(CadreRecord.header.columns.map(\.key)) + cadres.map { CSVWriter.line($0.csvFields) }.joined()
    }
}
