/// The demo city's places: Hefei's districts and counties with their division codes and
/// town/street names, so the demo reads like a real federation's tree.
enum DemoPlaces {
    struct District {
        var code, name: String
        var kind: OrgUnitKind
        var lat, lon: Double
        /// Degrees of spread for towns around the centre: urban districts are compact.
        var spread: Double
        var towns: [String]
    }

    static let city = (code: "3401", name: "合肥市总工会", lat: 31.8206, lon: 117.2272)

    static let districts: [District] = [
        .init(code: "340102", name: "瑶海区", kind: .district, lat: 31.858, lon: 117.309, spread: 0.04,
              towns: ["明光路街道", "胜利路街道", "三里街街道", "和平路街道", "铜陵路街道", "长淮街道", "方庙街道", "城东街道", "大兴镇"]),
        .init(code: "340103", name: "庐阳区", kind: .district, lat: 31.878, lon: 117.265, spread: 0.04,
              towns: ["亳州路街道", "双岗街道", "杏花村街道", "林店街道", "海棠街道", "逍遥津街道", "三孝口街道", "大杨镇", "三十岗乡"]),
        .init(code: "340104", name: "蜀山区", kind: .district, lat: 31.851, lon: 117.260, spread: 0.05,
              towns: ["三里庵街道", "稻香村街道", "琥珀街道", "西园街道", "五里墩街道", "笔架山街道", "荷叶地街道", "井岗镇", "南岗镇", "小庙镇"]),
        .init(code: "340111", name: "包河区", kind: .district, lat: 31.793, lon: 117.310, spread: 0.05,
              towns: ["包公街道", "芜湖路街道", "望湖街道", "常青街道", "万年埠街道", "骆岗街道", "义城街道", "大圩镇"]),
        .init(code: "340121", name: "长丰县", kind: .county, lat: 32.478, lon: 117.167, spread: 0.15,
              towns: ["水湖镇", "庄墓镇", "杨庙镇", "吴山镇", "岗集镇", "双墩镇", "下塘镇", "朱巷镇", "杜集乡", "罗塘乡", "造甲乡"]),
        .init(code: "340122", name: "肥东县", kind: .county, lat: 31.887, lon: 117.469, spread: 0.15,
              towns: ["店埠镇", "长临河镇", "撮镇镇", "梁园镇", "桥头集镇", "石塘镇", "古城镇", "八斗镇", "元疃镇", "白龙镇", "包公镇"]),
        .init(code: "340123", name: "肥西县", kind: .county, lat: 31.706, lon: 117.157, spread: 0.15,
              towns: ["上派镇", "三河镇", "官亭镇", "山南镇", "花岗镇", "紫蓬镇", "丰乐镇", "高店乡", "铭传乡", "柿树岗乡", "严店乡"]),
        .init(code: "340124", name: "庐江县", kind: .county, lat: 31.256, lon: 117.287, spread: 0.18,
              towns: ["庐城镇", "冶父山镇", "万山镇", "汤池镇", "郭河镇", "金牛镇", "石头镇", "同大镇", "白湖镇", "白山镇", "盛桥镇", "泥河镇"]),
        .init(code: "340181", name: "巢湖市", kind: .county, lat: 31.624, lon: 117.889, spread: 0.15,
              towns: ["亚父街道", "卧牛山街道", "凤凰山街道", "天河街道", "中垾镇", "散兵镇", "烔炀镇", "黄麓镇", "柘皋镇", "槐林镇", "坝镇"]),
        .init(code: "340171", name: "高新区", kind: .district, lat: 31.835, lon: 117.128, spread: 0.04,
              towns: ["兴园街道", "梦园街道", "柏堰街道", "天乐街道"]),
        .init(code: "340172", name: "经开区", kind: .district, lat: 31.768, lon: 117.210, spread: 0.04,
              towns: ["莲花街道", "芙蓉街道", "临湖街道", "锦绣街道", "海恒街道"]),
        .init(code: "340173", name: "新站区", kind: .district, lat: 31.900, lon: 117.358, spread: 0.04,
              towns: ["七里塘街道", "磨店街道", "三十头街道", "站北街道", "站西街道"]),
    ]

    /// Sectoral second-level units: code, name, kind, sectors (GB/T 4754).
    static let sectoral: [(code: String, name: String, kind: OrgUnitKind, sectors: String)] = [
        ("IND-JX", "市机械冶金工会", .industryUnion, "C31;C32;C33;C34;C35"),
        ("IND-QF", "市轻工纺织工会", .industryUnion, "C13;C14;C15;C17;C18;C19;C22"),
        ("IND-DZ", "市电子信息工会", .industryUnion, "C38;C39;I"),
        ("IND-HG", "市能源化工工会", .industryUnion, "C25;C26;C29;D"),
        ("IND-JS", "市建设建材工会", .industryUnion, "C30;E"),
        ("IND-JT", "市交通运输工会", .industryUnion, "C36;C37;G"),
        ("IND-SM", "市商贸金融工会", .industryUnion, "F;H;J;L"),
        ("IND-JK", "市教科文卫工会", .industryUnion, "M;P;Q;R"),
        ("BUR-NY", "市农业农村局工会", .bureau, "A"),
        ("BUR-JS", "市城乡建设局工会", .bureau, "E47;E48"),
        ("CO-GD", "国网合肥供电公司工会", .company, "D44"),
        ("CO-GJ", "合肥公交集团工会", .company, "G54"),
        ("DIR-JG", "市直机关工会", .directlyAffiliated, "S92"),
        ("DIR-ZD", "市职工大学工会", .directlyAffiliated, "P83"),
    ]

    static let communityWords = ["新华", "和平", "光明", "幸福", "团结", "东风", "前进", "红星", "胜利", "长江", "淮河",
                                 "金桥", "花园", "青年", "建设", "振兴", "新村", "丰收", "桃园", "清溪", "双河", "龙塘",
                                 "杨湾", "李岗", "黄山", "南湖", "北城", "西苑", "东湖", "兴隆"]

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
    static let givenChars = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬建国志文斌海波宁浩宇晨欣怡子涵梓轩雨佳俊鹏飞")
}
