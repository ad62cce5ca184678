/// A realistic city federation for demos, tests and benchmarks: a root, 12 districts and
/// counties with their towns, streets and communities, 14 industry, bureau, company and
/// directly affiliated unions, about 1,000 cadres, and one sign-in per role.
/// The same seed always gives the same city.
public struct DemoCity: Sendable {
    public struct SignIn: Sendable, Equatable {
        public var username, displayName, unitCode: String
        public var roles: Set<Role>
    }

    public static let defaultSeed: UInt64 = 20_090_720
    /// Printed at start-up; demo databases are for trying the product, not for real data.
    public static let password = "Sanbao-2026"

    public private(set) var units: [OrgUnitRecord] = []
    public private(set) var cadres: [CadreRecord] = []
    public private(set) var enterprises: [EnterpriseRecord] = []
    public private(set) var workers: [WorkerRecord] = []
    public static let enterpriseCount = 10_000
    public private(set) var signIns: [SignIn] = []

    public init(seed: UInt64 = DemoCity.defaultSeed) {
        var rng = SeededRandom(seed: seed)
        var tree = DemoTree(capacity: 8...14)
        let root = DemoPlaces.city
        tree.add(OrgUnitRecord(code: root.code, name: root.name, kind: .cityFederation, parentCode: nil,
                               territory: root.code, lat: root.lat, lon: root.lon), cadres: 60, rng: &rng)
        for d in DemoPlaces.districts { tree.addDistrict(d, parent: root.code, cadres: (30, 4), rng: &rng) }
        for s in DemoPlaces.sectoral {
            tree.add(OrgUnitRecord(code: s.code, name: s.name, kind: s.kind, parentCode: root.code, territory: root.code,
                                   sectors: Jurisdiction.parseSectors(s.sectors).codes,
                                   lat: round6(rng.jitter(root.lat, by: 0.03)), lon: round6(rng.jitter(root.lon, by: 0.03))),
                     cadres: s.kind == .industryUnion ? 20 : 8, rng: &rng)
        }
        units = tree.units
        cadres = tree.cadres
        enterprises = DemoEnterprises.make(units: units, count: Self.enterpriseCount, rng: &rng)
        workers = DemoEnterprises.workers(for: enterprises, count: 3_000, rng: &rng)
        signIns = Self.signIns(level: "市", root: root.code, district: "340104", sectoral: "IND-JX", cadres: cadres)
    }

    /// One sign-in per role: the office and the inspectors at the root, 蜀山区's admin and one
    /// of its cadres, the assistance centre, and a viewer in the machinery union.
    static func signIns(level: String, root: String, district: String, sectoral: String, cadres: [CadreRecord]) -> [SignIn] {
        let demoCadre = cadres.first { $0.unitCode == district }!
        return [
            SignIn(username: "office", displayName: level + "总领导小组办公室", unitCode: root, roles: [.office]),
            SignIn(username: "shushan.admin", displayName: "蜀山区总工会管理员", unitCode: district, roles: [.unitAdmin]),
            SignIn(username: demoCadre.staffNo, displayName: demoCadre.name, unitCode: district, roles: [.cadre]),
            SignIn(username: "inspector", displayName: level + "总督查组", unitCode: root, roles: [.inspector]),
            SignIn(username: "assistance", displayName: level + "困难职工帮扶中心", unitCode: root, roles: [.assistance]),
            SignIn(username: "jixie.viewer", displayName: "机械冶金工会观察员", unitCode: sectoral, roles: [.viewer]),
        ]
    }
}

/// A demo org tree and its cadres, built the same way for the city and the province.
struct DemoTree {
    var units: [OrgUnitRecord] = []
    var cadres: [CadreRecord] = []
    let capacity: ClosedRange<Int>

    init(capacity: ClosedRange<Int>) { self.capacity = capacity }

    mutating func add(_ unit: OrgUnitRecord, cadres count: Int, rng: inout SeededRandom) {
        units.append(unit)
        for _ in 0..<count {
            let n = cadres.count + 1
            let given = String(rng.pick(DemoPlaces.givenChars)) + (rng.int(0...2) == 0 ? "" : String(rng.pick(DemoPlaces.givenChars)))
            let name = String(rng.pick(DemoPlaces.surnames)) + given
            let phone = "1" + String(rng.pick(Array("35789"))) + String(format: "%09d", rng.int(0...999_999_999))
            cadres.append(CadreRecord(staffNo: "C" + String(format: "%05d", n), name: name, unitCode: unit.code, phone: phone,
                                      lat: round6(rng.jitter(unit.lat ?? DemoPlaces.city.lat, by: 0.02)),
                                      lon: round6(rng.jitter(unit.lon ?? DemoPlaces.city.lon, by: 0.02)),
                                      capacity: rng.int(capacity)))
        }
    }

    /// A district or county with its towns and streets (with cadres) and their communities.
    mutating func addDistrict(_ d: DemoPlaces.District, parent: String, cadres: (district: Int, town: Int), rng: inout SeededRandom) {
        let district = OrgUnitRecord(code: d.code, name: d.name + "总工会", kind: d.kind, parentCode: parent,
                                     territory: d.code, lat: d.lat, lon: d.lon)
        add(district, cadres: cadres.district, rng: &rng)
        for (i, townName) in d.towns.enumerated() {
            let code = d.code + String(format: "%03d", i + 1)
            let kind: OrgUnitKind = townName.hasSuffix("街道") ? .street : .town
            let town = OrgUnitRecord(code: code, name: townName + "工会", kind: kind, parentCode: d.code, territory: code,
                                     lat: round6(rng.jitter(d.lat, by: d.spread)), lon: round6(rng.jitter(d.lon, by: d.spread)))
            add(town, cadres: cadres.town, rng: &rng)
            let communityCount = rng.int(2...4)
            var used: Set<String> = []
            for j in 0..<communityCount {
                var word = rng.pick(DemoPlaces.communityWords)
                while used.contains(word) { word = rng.pick(DemoPlaces.communityWords) }
                used.insert(word)
                let ccode = code + String(format: "%03d", j + 1)
                let place = kind == .street ? "社区" : "村"
                units.append(OrgUnitRecord(code: ccode, name: word + place + "工会", kind: .community, parentCode: code,
                                           territory: ccode, lat: round6(rng.jitter(town.lat!, by: 0.01)),
                                           lon: round6(rng.jitter(town.lon!, by: 0.01))))
            }
        }
    }
}

func round6(_ v: Double) -> Double { (v * 1_000_000).rounded() / 1_000_000 }

extension DemoCity {
    /// The demo as the files a federation would import: the demo loads through the same
    /// import path as real lists do.
    public var unitsCSV: String {
        CSVWriter.line(OrgUnitRecord.header.columns.map(\.key)) + units.map { CSVWriter.line($0.csvFields) }.joined()
    }

    public var enterprisesCSV: String {
        CSVWriter.line(EnterpriseRecord.header.columns.map(\.key)) + enterprises.map { CSVWriter.line($0.csvFields) }.joined()
    }

    public var workersCSV: String {
        CSVWriter.line(WorkerRecord.header.columns.map(\.key)) + workers.map { CSVWriter.line($0.csvFields) }.joined()
    }

    public var cadresCSV: String {
        CSVWriter.line(CadreRecord.header.columns.map(\.key)) + cadres.map { CSVWriter.line($0.csvFields) }.joined()
    }
}
