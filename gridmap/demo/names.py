"""Word pools for the demo: people's names, estate names, notes and report texts.

Everything here is invented. Names are drawn from common surnames of southern
Zhejiang and ordinary given-name characters; they belong to nobody in particular.
"""

from __future__ import annotations

import numpy as np

SURNAMES: tuple[str, ...] = (
    "陈", "林", "黄", "王", "李", "张", "吴", "刘", "杨", "郑", "周", "徐", "蔡", "谢", "金",
    "潘", "朱", "叶", "苏", "章", "洪", "余", "薛", "缪", "夏", "庄", "方", "卢", "曾", "胡",
)
# Relative frequency of the surnames above (陈 and 林 dominate in Cangnan).
_SURNAME_WEIGHTS = np.array([14, 10, 7, 7, 6, 6, 5, 4, 4, 4, 4, 3, 3, 3, 3,
                             2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1], dtype=float)
GIVEN_CHARS: tuple[str, ...] = tuple(
    "建国伟华明丽芳敏静强军平海燕红玲娟杰涛勇磊洋艳霞秀英志勤文斌鹏飞亮晓宇浩然婷雪梅丹峰"
    "光辉锋慧琴云波超颖佳欣嘉怡子萍瑞祥新春晨阳林森松柏德福荣贵安康宁"
)

ESTATES: tuple[str, ...] = (
    "锦绣花园", "阳光家园", "翠湖苑", "龙泉苑", "东方名苑", "金色家园", "玉苍新村", "世纪花园",
    "和平小区", "康乐新村", "新城华府", "江南小区", "凤凰城", "铂金公寓", "状元府", "滨江花园",
    "紫荆苑", "桂花苑", "学府名邸", "上城公馆", "御景湾", "幸福里", "书香门第", "望江苑",
    "怡和园", "颐景园", "锦江苑", "聚福苑", "嘉禾小区", "惠民新村", "工人新村", "东湖苑",
)

SERVICES: dict[str, tuple[str, ...]] = {
    "party_l2": ("党员活动", "政务代办", "矛盾调解", "图书阅览", "便民缴费", "法律咨询", "健康义诊"),
    "party_l3": ("党员联系", "代办服务", "政策宣传", "邻里互助"),
    "happiness": ("歇脚休息", "饮水加热", "手机充电", "应急药箱", "雨具借用", "微波炉加热"),
    "exam_help": ("饮用水", "文具借用", "应急药品", "休息座椅", "交通指引", "考场咨询"),
    "police_post": ("户籍咨询", "治安巡逻", "报警求助", "反诈宣传", "流动人口登记"),
    "governance_centre": ("网格指挥", "矛盾调解", "信访接待", "视频监控", "事件分拨"),
    "neighbourhood_centre": ("托幼托育", "养老助餐", "文体活动", "便民服务", "四点半课堂"),
}

ISSUE_TEXTS: dict[str, tuple[str, ...]] = {
    "sanitation": ("垃圾桶满溢未及时清运", "路边堆放建筑垃圾", "公厕卫生差有异味", "河道漂浮垃圾较多",
                   "小区楼道堆放杂物", "绿化带内乱扔垃圾"),
    "municipal": ("路灯不亮", "窨井盖破损", "人行道地砖松动", "排水口堵塞积水", "道路坑洼需修补",
                  "公共座椅损坏"),
    "traffic": ("机动车乱停占用人行道", "路口信号灯故障", "电动车逆行较多", "学校门口接送拥堵",
                "交通标线模糊", "货车占道装卸"),
    "fire_safety": ("楼道电动车充电", "消防通道被占用", "飞线充电", "灭火器过期", "安全出口上锁",
                    "沿街店铺住人"),
    "dispute": ("邻里漏水纠纷", "宅基地边界纠纷", "拖欠工资纠纷", "噪音扰民引发矛盾", "物业费纠纷",
                "家庭赡养纠纷"),
    "illegal_building": ("屋顶违章加层", "占用绿地搭建棚房", "擅自扩建围墙", "沿河违章搭建",
                         "阳台违规外扩"),
    "public_order": ("夜间聚众喧哗", "可疑人员徘徊", "非法张贴小广告", "流动摊贩占道经营",
                     "疑似电信诈骗宣传单"),
    "livelihood": ("独居老人需要帮扶", "低保申请咨询", "自来水水压不足", "医保缴费咨询", "停电未恢复",
                   "困难家庭求助"),
    "pollution": ("餐饮油烟扰民", "河道排污发黑", "露天焚烧垃圾", "工地扬尘严重", "夜间施工噪音",
                  "养殖场异味"),
}

ZERO_REPORT_NOTES: tuple[str, ...] = (
    "发现一处电动车违规充电,已劝导整改",
    "一户独居老人身体不适,已联系家属",
    "新增租户两人,已登记",
    "楼道杂物已督促清理",
    "邻里噪音矛盾,已调解",
    "发现可疑人员,已报告网格长",
)
NO_INCIDENT = "无异常"


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` invented Chinese names: a surname and one or two given characters."""
    if n == 0:
        return np.array([], dtype=object)
    surnames = rng.choice(np.array(SURNAMES, dtype=object), size=n, p=_SURNAME_WEIGHTS / _SURNAME_WEIGHTS.sum())
    chars = np.array(GIVEN_CHARS, dtype=object)
    first = rng.choice(chars, size=n)
    second = rng.choice(chars, size=n)
    two = rng.random(n) < 0.7
    given = np.where(two, first + second, first)
    return surnames + given


def masked_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Names as a citizen reporter is shown to staff: the given name masked (陈*华)."""
    names = person_names(rng, n)
    return np.array([f"{s[0]}*{s[-1]}" if len(s) > 2 else f"{s[0]}*" for s in names], dtype=object)


def display_name(nbs_name: str) -> str:
    """The everyday name of a village or community from its NBS committee name.

    ``xx居委会`` becomes ``xx社区`` and ``xx村委会`` becomes ``xx村``; other names
    (farms such as ``良种场``) are kept.
    """
    if nbs_name.endswith("居委会"):
        return nbs_name[: -len("居委会")] + "社区"
    if nbs_name.endswith("村委会"):
        return nbs_name[: -len("村委会")] + "村"
    return nbs_name
