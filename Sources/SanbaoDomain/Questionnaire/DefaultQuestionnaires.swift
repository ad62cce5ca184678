/// The two questionnaires the campaign starts with, written from the concerns of the speech:
/// "稳企业、保就业" — orders, layoffs, pay cuts, arrears, restructuring, hiring and training needs,
/// safety, the union's own work — and, for workers, wages, contracts, insurance, hours,
/// hardship and what they want from the union.
public enum DefaultQuestionnaires {
    typealias Q = Questionnaire.Question
    typealias O = Questionnaire.Option
    typealias S = Questionnaire.Section

    static let yes = ["yes"]

    public static let enterprise = Questionnaire(
        key: "enterprise", version: 1, subject: .enterprise, title: .init("企业调查问卷", "Enterprise questionnaire"), sections: [
            S(key: "operations", title: .init("生产经营", "Operations"), questions: [
                Q("production", .single, "目前生产经营状况", "Production now", required: true, options: [
                    O("normal", "正常", "Normal"), O("mostly", "基本正常", "Mostly normal"),
                    O("partly_stopped", "部分停产", "Partly stopped"), O("stopped", "全面停产", "Stopped")]),
                Q("orders", .single, "订单与上年同期相比", "Orders against last year", required: true, options: [
                    O("up", "增加", "Up"), O("flat", "持平", "About the same"), O("down", "减少", "Down")]),
                Q("revenue_trend", .single, "营业收入趋势", "Revenue trend", options: [
                    O("up", "上升", "Rising"), O("flat", "持平", "Flat"), O("down", "下降", "Falling"), O("sharp_down", "大幅下降", "Falling sharply")]),
                Q("financing_need", .yesNo, "是否有融资需求", "Needs financing", required: true),
                Q("financing_amount", .money, "融资需求金额", "Financing needed", min: 0, max: 1_000_000, unit: "万元",
                  showIf: .init("financing_need", anyOf: yes)),
            ]),
            S(key: "employment", title: .init("用工情况", "Employment"), questions: [
                Q("headcount_change", .single, "职工人数与上年同期相比", "Headcount against last year", required: true, options: [
                    O("up", "增加", "Up"), O("flat", "持平", "About the same"), O("down", "减少", "Down")]),
                Q("layoffs_planned", .yesNo, "是否计划裁员", "Layoffs planned", required: true),
                Q("layoffs_count", .number, "计划裁员人数", "How many", required: true, min: 1, max: 100_000, unit: "人",
                  showIf: .init("layoffs_planned", anyOf: yes)),
                Q("pay_cuts", .yesNo, "是否降薪", "Pay cuts", required: true),
                Q("wage_arrears", .yesNo, "是否拖欠工资", "Wage arrears", required: true),
                Q("arrears_workers", .number, "被拖欠工资人数", "Workers owed wages", required: true, min: 1, max: 100_000, unit: "人",
                  showIf: .init("wage_arrears", anyOf: yes)),
                Q("arrears_amount", .money, "拖欠工资金额", "Wages owed", min: 0, max: 100_000, unit: "万元",
                  showIf: .init("wage_arrears", anyOf: yes)),
                Q("social_insurance_arrears", .yesNo, "是否欠缴社会保险", "Social insurance in arrears", required: true),
                Q("restructuring", .yesNo, "是否重组改制", "Restructuring", required: true),
                Q("closing_workshops", .yesNo, "是否有车间停产或关闭", "Workshops closing"),
                Q("hiring_need", .yesNo, "是否有招工需求", "Hiring", required: true),
                Q("hiring_posts", .text, "招工岗位和工种", "Posts and trades", showIf: .init("hiring_need", anyOf: yes)),
                Q("hiring_count", .number, "招工人数", "How many", min: 1, max: 100_000, unit: "人", showIf: .init("hiring_need", anyOf: yes)),
                Q("training_need", .multiple, "培训需求", "Training needed", options: [
                    O("skills", "职业技能", "Vocational skills"), O("safety", "安全生产", "Safety"),
                    O("management", "经营管理", "Management"), O("transfer", "转岗转业", "Changing jobs"), O("none", "暂无", "None")]),
            ]),
            S(key: "relations", title: .init("劳动关系与工会", "Labour relations and the union"), questions: [
                Q("safety_issues", .yesNo, "是否存在安全生产或职业健康问题", "Safety or occupational-health problems", required: true),
                Q("safety_note", .text, "具体情况", "What", showIf: .init("safety_issues", anyOf: yes)),
                Q("union_established", .yesNo, "是否建立工会", "Union established", required: true),
                Q("collective_contract", .yesNo, "是否签订工资集体协议", "Collective wage contract", required: true),
                Q("congress_held", .yesNo, "本年度是否召开职代会", "Workers' congress held this year", required: true),
                Q("pledge_signed", .yesNo, "是否签订“共同约定行动”承诺", "Joint pledge (共同约定) signed"),
            ]),
            S(key: "needs", title: .init("困难与建议", "Difficulties and suggestions"), questions: [
                Q("difficulties", .multiple, "当前主要困难", "Main difficulties", options: [
                    O("financing", "融资难", "Financing"), O("labour", "招工难", "Finding workers"), O("orders", "订单不足", "Too few orders"),
                    O("costs", "成本上升", "Rising costs"), O("policy", "不了解扶持政策", "Not knowing the support policies"),
                    O("other", "其他", "Other")]),
                Q("suggestions", .text, "意见和建议", "Suggestions"),
            ]),
        ])

    public static let worker = Questionnaire(
        key: "worker", version: 1, subject: .worker, title: .init("职工调查问卷", "Worker questionnaire"), sections: [
            S(key: "work", title: .init("工作与权益", "Work and rights"), questions: [
                Q("wages_on_time", .yesNo, "工资是否按时足额发放", "Wages paid on time and in full", required: true),
                Q("contract_signed", .yesNo, "是否签订劳动合同", "Labour contract signed", required: true),
                Q("social_insurance", .yesNo, "是否参加社会保险", "In social insurance", required: true),
                Q("weekly_hours", .number, "每周工作小时数", "Hours a week", min: 0, max: 100, unit: "小时"),
                Q("overtime", .yesNo, "是否经常加班", "Frequent overtime"),
                Q("overtime_paid", .yesNo, "加班是否有加班费或调休", "Overtime paid or given back", showIf: .init("overtime", anyOf: yes)),
                Q("safety_concern", .yesNo, "是否担心工作中的安全或职业病", "Worried about safety or occupational disease"),
            ]),
            S(key: "life", title: .init("生活与需求", "Life and needs"), questions: [
                Q("family_hardship", .single, "家庭困难情况", "Family hardship", required: true, options: [
                    O("none", "无", "None"), O("model_worker", "困难劳模", "Model worker in hardship"),
                    O("extreme_poverty", "特困职工", "Extreme poverty"), O("migrant", "困难农民工", "Migrant worker in hardship"),
                    O("single_mother", "单亲困难女职工", "Single mother in hardship"), O("serious_illness", "大病致困", "Serious illness")]),
                Q("training_wish", .yesNo, "是否希望参加技能培训", "Wants skills training"),
                Q("training_kind", .text, "希望的培训内容", "What training", showIf: .init("training_wish", anyOf: yes)),
                Q("job_seeking", .yesNo, "是否正在找工作或希望转岗", "Looking for a job or another post"),
                Q("union_member", .yesNo, "是否工会会员", "Union member", required: true),
                Q("union_satisfaction", .scale, "对工会工作的满意程度（1–5）", "Satisfaction with the union (1–5)"),
                Q("wants", .multiple, "最希望工会做什么", "What the union should do", options: [
                    O("rights", "维护权益", "Defend rights"), O("relief", "困难帮扶", "Hardship relief"), O("training", "技能培训", "Training"),
                    O("legal", "法律援助", "Legal aid"), O("culture", "文体活动", "Culture and sport"), O("counselling", "心理疏导", "Counselling")]),
                Q("wants_note", .text, "其他想说的", "Anything else"),
            ]),
        ])

    public static let all = [enterprise, worker]
}
