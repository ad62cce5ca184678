/// The demo city's enterprises: spread over the towns and streets, with names, credit codes
/// that pass the check, industries, sizes and coordinates like a real city list has.
enum DemoEnterprises {
    /// (industry code, weight, name word, vulnerable to shocks)
    static let industries: [(String, Int, [String], Bool)] = [
        ("C3411", 8, ["机械", "锅炉", "重工"], false), ("C3824", 6, ["电气", "电器"], false),
        ("C3985", 6, ["电子", "微电子"], false), ("C1369", 5, ["食品", "农产品"], true),
        ("C1810", 5, ["服装", "制衣"], true), ("C1711", 3, ["纺织", "棉纺"], true), ("C1951", 2, ["鞋业"], true),
        ("C3021", 4, ["建材", "水泥制品"], false), ("C2614", 2, ["化工"], false), ("C3670", 4, ["汽车零部件"], true),
        ("E4790", 7, ["建筑", "建设工程"], false), ("F5191", 8, ["商贸", "贸易"], false), ("F5211", 6, ["超市", "百货"], false),
        ("G5430", 4, ["物流", "运输"], false), ("H6210", 6, ["餐饮", "酒店管理"], true), ("I6510", 5, ["软件", "信息技术"], false),
        ("K7020", 3, ["物业管理"], false), ("L7212", 3, ["人力资源", "商务咨询"], false), ("M7320", 2, ["科技研发"], false),
        ("O8020", 3, ["家政服务", "保洁服务"], false), ("D4411", 1, ["电力"], false), ("A0190", 2, ["农业科技", "种植"], false),
    ]

    static let firstWords = ["华", "恒", "瑞", "鑫", "宏", "安", "庐", "皖", "江淮", "新", "金", "国",
                             "东方", "中科", "合力", "荣", "德", "兴", "顺", "联", "天", "科", "长", "汇", "盛", "远", "明"]
    static let secondWords = ["泰", "源", "达", "丰", "信", "通", "诚", "和", "昌", "博", "创", "峰", "嘉", "晟", "锐", "康",
                              "佳", "腾", "润", "星", "宇", "凯", "祥", "海", "林", "华", "晨", "越", "成", "飞"]
    static let roads = ["长江西路", "望江路", "金寨路", "黄山路", "繁华大道", "紫云路", "合作化路", "徽州大道", "临泉路",
                        "阜阳路", "淮河路", "创新大道", "习友路", "天都路", "芙蓉路", "锦绣大道", "方兴大道"]

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let totalWeight = industries.map(\.1).reduce(0, +)

    /// The part of an enterprise that must be unique: where it is and what it is called.
    struct Draft {
        var place: OrgUnitRecord
        var industry: (String, Int, [String], Bool)
        var brand, name, city: String
    }

    /// Names begin with the city's short name ("合肥…有限公司"), as registered names do.
    /// - Parameter longBrands: a third character in the brand, for a province's million
    ///   names (two characters give about a million names in all, too few to draw from).
    static func draft(places: [OrgUnitRecord], city: (OrgUnitRecord) -> String, longBrands: Bool = false,
                      rng: inout SeededRandom) -> Draft {
        let place = rng.pick(places)
        var pick = rng.int(1...totalWeight)
        let industry = industries.first { pick -= $0.1; return pick <= 0 }!
        var brand = rng.pick(firstWords) + rng.pick(secondWords)
        if longBrands { brand.append(rng.pick(DemoPlaces.givenChars)) }
        let suffix = rng.int(0...3) == 0 ? "股份有限公司" : "有限公司"
        let cityName = city(place)
        return Draft(place: place, industry: industry, brand: brand, name: cityName + brand + rng.pick(industry.2) + suffix, city: cityName)
    }

    static func complete(_ d: Draft, rng: inout SeededRandom) -> EnterpriseRecord {
        let roll = rng.int(1...100)
        let size: EnterpriseRecord.SizeClass = roll <= 2 ? .large : roll <= 12 ? .medium : roll <= 40 ? .small : .micro
        let employees = switch size {
        case .large: rng.int(1_000...6_000)
        case .medium: rng.int(300...999)
        case .small: rng.int(20...299)
        case .micro: rng.int(3...19)
        }
        let migrants = employees * rng.int(0...60) / 100
        let body = "91" + String(d.place.code.prefix(6)) + String((0..<9).map { _ in rng.pick(alphabet) })
        var tags: [String] = []
        if d.industry.3 { tags.append("易受冲击行业") }
        if rng.int(1...8) == 1 { tags.append("外向型") }
        let mobile = "1" + String(rng.pick(Array("35789"))) + String(format: "%09d", rng.int(0...999_999_999))
        return EnterpriseRecord(
            creditCode: CreditCode.withCheck(body), name: d.name,
            aliases: rng.int(1...10) == 1 ? [d.city + "市" + d.brand + rng.pick(d.industry.2) + "厂"] : [],
            address: d.place.name.replacingOccurrences(of: "工会", with: "") + rng.pick(roads) + "\(rng.int(1...999))号",
            divisionCode: d.place.code, industry: IndustryCode(parsing: d.industry.0)!, sizeClass: size,
            aboveScale: size == .large || size == .medium || (size == .small && rng.int(1...3) == 1),
            employees: employees, migrantWorkers: migrants, unionEstablished: size != .micro || rng.int(1...4) == 1,
            legalRep: String(rng.pick(DemoPlaces.surnames)) + String(rng.pick(DemoPlaces.givenChars)) + String(rng.pick(DemoPlaces.givenChars)),
            contact: mobile, lat: ((rng.jitter(d.place.lat ?? 31.8, by: 0.012)) * 1e6).rounded() / 1e6,
            lon: ((rng.jitter(d.place.lon ?? 117.2, by: 0.012)) * 1e6).rounded() / 1e6, tags: tags)
    }

    /// The same enterprise registered twice, as merged lists deliver it: another code, the
    /// name spelled another way, the same address. The duplicates page finds these.
    static func twin(of e: EnterpriseRecord, city: String, rng: inout SeededRandom) -> EnterpriseRecord {
        var twin = e
        twin.creditCode = CreditCode.withCheck("92" + String(twin.divisionCode.prefix(6)) + String((0..<9).map { _ in rng.pick(alphabet) }))
        twin.name = "安徽" + twin.name.dropFirst(city.count).replacingOccurrences(of: "有限公司", with: "有限责任公司")
        twin.aliases = []
        return twin
    }

    static func make(units: [OrgUnitRecord], count: Int, rng: inout SeededRandom) -> [EnterpriseRecord] {
        let places = units.filter { $0.kind == .town || $0.kind == .street }
        var usedNames: Set<String> = []
        var out: [EnterpriseRecord] = []
        out.reserveCapacity(count)
        let duplicates = min(15, count / 100)
        while out.count < count - duplicates {
            let d = draft(places: places, city: { _ in "合肥" }, rng: &rng)
            guard usedNames.insert(d.name).inserted else { continue }
            out.append(complete(d, rng: &rng))
        }
        for i in 0..<duplicates { out.append(twin(of: out[i * 37 % out.count], city: "合肥", rng: &rng)) }
        return out
    }

    static let jobs = ["车间操作工", "装配工", "电工", "焊工", "仓库管理员", "保安", "保洁员", "厨师", "服务员", "司机",
                       "质检员", "销售", "会计", "技术员", "缝纫工", "叉车工"]
    static let households = ["", "", "", "独生子女家庭", "子女在读大学", "配偶无业", "父母年迈需赡养", "家有重病患者",
                             "住房困难", "单亲抚养子女"]

    /// Workers of the demo enterprises; about one in eight in a hardship category.
    static func workers(for enterprises: [EnterpriseRecord], count: Int, rng: inout SeededRandom) -> [WorkerRecord] {
        var used: Set<String> = []
        var out: [WorkerRecord] = []
        while out.count < count {
            let e = rng.pick(enterprises)
            let birth = String(format: "%04d%02d%02d", rng.int(1965...2004), rng.int(1...12), rng.int(1...28))
            let seq = String(format: "%03d", rng.int(0...999))
            let id = ResidentID.withCheck(String(e.divisionCode.prefix(6)) + birth + seq)
            guard used.insert(id).inserted else { continue }
            let migrant = rng.int(1...10) <= 4
            var hardship = WorkerRecord.Hardship.none
            if rng.int(1...8) == 1 {
                hardship = rng.pick(migrant ? [.migrant, .seriousIllness, .extremePoverty]
                                            : [.extremePoverty, .singleMother, .seriousIllness, .modelWorker])
                if hardship == .singleMother && Int(String(Array(id)[16]))! % 2 == 1 { hardship = .extremePoverty }
            }
            let given = String(rng.pick(DemoPlaces.givenChars)) + (rng.int(0...2) == 0 ? "" : String(rng.pick(DemoPlaces.givenChars)))
            out.append(WorkerRecord(
                name: String(rng.pick(DemoPlaces.surnames)) + given, idNumber: id,
                phone: "1" + String(rng.pick(Array("35789"))) + String(format: "%09d", rng.int(0...999_999_999)),
                enterpriseCode: e.creditCode, job: rng.pick(jobs), migrant: migrant,
                household: hardship == .none ? rng.pick(households) : rng.pick(Array(households.dropFirst(3))), hardship: hardship))
        }
        return out
    }
}
