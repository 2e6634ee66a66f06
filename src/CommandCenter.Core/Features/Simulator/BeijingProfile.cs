namespace CommandCenter.Core.Features.Simulator;

/// <summary>
/// What Beijing's 12345 traffic looks like, as tables. Sources: PLATFORM.md "Domain facts" (≈ 24 M requests a
/// year ≈ 66 k a day; peaks 9–11 and 14–16 h; 2020 top categories market regulation, public services such as
/// heating, housing, construction, traffic); district weights are the 2020 census resident population
/// (第七次全国人口普查, 万人, rounded) — population, not the number of street units, because requests follow
/// people. Shares are plausible round numbers in that order, not published figures.
/// </summary>
public static class BeijingProfile
{
    /// <summary>Relative weight of each Beijing hour 0–23: quiet at night, peaks 9–11 and 14–16.</summary>
    public static readonly double[] HourWeights =
    [
        0.6, 0.4, 0.3, 0.25, 0.25, 0.4, 0.9, 2.2, 4.2, 6.6, 7.2, 6.4,
        4.4, 4.6, 6.3, 6.8, 6.2, 5.0, 3.8, 3.4, 3.0, 2.4, 1.6, 1.0,
    ];

    /// <summary>Weekends bring fewer requests than working days.</summary>
    public const double WeekendFactor = 0.8;

    /// <summary>District adcode → resident population (万人, 2020 census).</summary>
    public static readonly IReadOnlyDictionary<string, double> DistrictPopulation = new Dictionary<string, double>
    {
        ["110101"] = 70.9, ["110102"] = 110.6, ["110105"] = 345.2, ["110106"] = 201.9, ["110107"] = 56.8, ["110108"] = 313.3,
        ["110109"] = 39.3, ["110111"] = 131.3, ["110112"] = 184.0, ["110113"] = 132.4, ["110114"] = 226.9, ["110115"] = 199.4,
        ["110116"] = 44.1, ["110117"] = 45.7, ["110118"] = 52.8, ["110119"] = 34.6,
    };

    /// <summary>District adcode → name, for addresses.</summary>
    public static readonly IReadOnlyDictionary<string, string> DistrictNames = new Dictionary<string, string>
    {
        ["110101"] = "东城区", ["110102"] = "西城区", ["110105"] = "朝阳区", ["110106"] = "丰台区", ["110107"] = "石景山区", ["110108"] = "海淀区",
        ["110109"] = "门头沟区", ["110111"] = "房山区", ["110112"] = "通州区", ["110113"] = "顺义区", ["110114"] = "昌平区", ["110115"] = "大兴区",
        ["110116"] = "怀柔区", ["110117"] = "平谷区", ["110118"] = "密云区", ["110119"] = "延庆区",
    };

    /// <summary>
    /// Service code → share weight (out of ~100) and description templates ({0} = street unit name). Heating
    /// counts only in the heating season (15 Nov – 15 Mar); outside it its weight is <see cref="HeatingOffSeason"/>.
    /// </summary>
    public static readonly IReadOnlyList<(string ServiceCode, double Weight, string[] Texts)> Categories =
    [
        ("heating", 9, ["{0}小区暖气不热，室温不足16度", "{0}家中暖气片不热，老人孩子受冻", "{0}楼栋供暖时断时续"]),
        ("property-management", 8, ["{0}小区物业不作为，楼道堆物无人清理", "{0}小区电梯频繁故障，物业推诿", "{0}小区物业乱收费"]),
        ("illegal-parking", 6, ["{0}路口车辆违停堵塞通道", "{0}小区门口长期违停影响出行"]),
        ("private-parking-lock", 3, ["{0}小区公共车位被私装地锁"]),
        ("shared-bikes", 3, ["{0}地铁站口共享单车堆积堵路"]),
        ("traffic-signal", 2, ["{0}路口信号灯不亮"]),
        ("abandoned-vehicle", 1.5, ["{0}路边僵尸车长期占用车位"]),
        ("road-damage", 3, ["{0}路面坑洼破损，夜间易摔倒"]),
        ("bus-service", 2, ["{0}公交站车辆间隔过长", "{0}公交司机未进站停靠"]),
        ("price-complaint", 6, ["{0}商户明码标价不实", "{0}超市结账价格高于标价"]),
        ("food-safety", 3, ["{0}餐馆卫生条件差，疑似食物变质"]),
        ("street-vending", 5, ["{0}路边占道经营，早晚摊贩聚集", "{0}地铁口流动商贩占道"]),
        ("garbage", 5, ["{0}垃圾桶满溢无人清运", "{0}路边建筑垃圾堆放"]),
        ("streetlight-out", 3, ["{0}路灯不亮，夜间出行不便", "{0}一排路灯损坏"]),
        ("illegal-construction", 2, ["{0}小区楼顶私搭乱建"]),
        ("green-space-damage", 1, ["{0}绿地被踩踏毁坏"]),
        ("noise", 5, ["{0}商铺音响声音过大扰民", "{0}广场舞噪音扰民"]),
        ("construction-noise", 4, ["{0}工地夜间施工扰民", "{0}工地凌晨渣土车作业噪音大"]),
        ("construction-safety", 1.5, ["{0}工地围挡破损存在安全隐患"]),
        ("dust-pollution", 2, ["{0}工地未覆盖苫布扬尘严重"]),
        ("water-outage", 2, ["{0}小区突然停水无通知"]),
        ("power-outage", 2, ["{0}小区停电多时未恢复"]),
        ("gas-leak", 0.5, ["{0}楼道有燃气味道"]),
        ("water-main", 1, ["{0}路面水管爆裂冒水"]),
        ("sewage-overflow", 1.5, ["{0}污水井冒水外溢"]),
        ("waterlogging", 0.5, ["{0}路段积水严重"]),
        ("manhole-cover", 1, ["{0}人行道井盖缺失"]),
        ("tree-hazard", 1, ["{0}路边大树倾斜存在倒伏风险"]),
        ("fire-hazard", 1, ["{0}楼道电动车充电存在消防隐患"]),
        ("wage-arrears", 3, ["{0}工地拖欠农民工工资"]),
        ("elderly-care", 2, ["{0}社区养老驿站服务咨询"]),
        ("school-admission", 2, ["{0}适龄儿童入学政策咨询"]),
        ("petition-related", 1, ["{0}反映问题长期未解决"]),
    ];

    public const double HeatingOffSeason = 0.3;

    /// <summary>Why a department hands an incident back (退单理由), as 12345 records them.</summary>
    public static readonly string[] ReturnReasons =
    [
        "非本部门职责", "属于物业管理范围", "需属地街道处理", "地址不详无法核实", "诉求涉及多部门，建议属地牵头", "不属于本单位管辖区域",
    ];

    public static readonly string[] ResolutionNotes =
    [
        "已现场核实并处理完毕", "已联系诉求人并解决", "已协调相关单位整改到位", "已督促责任单位限期整改", "已完成维修",
    ];

    /// <summary>The founding compound problem: four categories, three owners, at one place.</summary>
    public static readonly string[] ClusterCategories = ["road-not-handed-over", "street-vending", "streetlight-out", "garbage"];

    public static readonly IReadOnlyDictionary<string, string> ClusterTexts = new Dictionary<string, string>
    {
        ["road-not-handed-over"] = "{0}新修道路建成后未移交，无人管理养护",
        ["street-vending"] = "{0}新路两侧摊贩占道经营",
        ["streetlight-out"] = "{0}新路路灯全部不亮",
        ["garbage"] = "{0}新路边垃圾堆积无人清运",
    };

    /// <summary>Who is wrongly asked next after a bounce: the category's own support departments, else the territorial government.</summary>
    public const string TerritorialDepartment = "district-government";

    public static bool IsHeatingSeason(DateOnly day) =>
        day.Month is 12 or 1 or 2 || (day.Month == 11 && day.Day >= 15) || (day.Month == 3 && day.Day <= 15);
}
