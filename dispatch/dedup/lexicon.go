package dedup

// Place classes. Two places of different classes never match, so 滨河路
// (a road) is not 滨河公园 (a park).
const (
	ClassRoad     = "road"     // 路, 街, 巷, 大道
	ClassEstate   = "estate"   // 小区, 社区, 花园, 苑, 园
	ClassVillage  = "village"  // 村, named 组
	ClassArea     = "area"     // 工业园, 开发区
	ClassLandmark = "landmark" // a named school, market, park, square, factory
)

// placeSuffix is a word that ends a place name, with the class of the
// place it names.
type placeSuffix struct {
	word, class string
}

// placeSuffixes end place names; suffixAt tries them longest first.
var placeSuffixes = []placeSuffix{
	{"农贸市场", ClassLandmark}, {"菜市场", ClassLandmark}, {"幼儿园", ClassLandmark},
	{"工业园", ClassArea}, {"开发区", ClassArea}, {"工业区", ClassArea},
	{"小学", ClassLandmark}, {"中学", ClassLandmark}, {"医院", ClassLandmark}, {"卫生院", ClassLandmark},
	{"超市", ClassLandmark}, {"商场", ClassLandmark}, {"市场", ClassLandmark}, {"广场", ClassLandmark},
	{"公园", ClassLandmark}, {"书店", ClassLandmark}, {"图书馆", ClassLandmark}, {"体育馆", ClassLandmark},
	{"体育场", ClassLandmark}, {"加油站", ClassLandmark}, {"驿站", ClassLandmark}, {"水库", ClassLandmark},
	{"卫生室", ClassLandmark}, {"卫生服务站", ClassLandmark}, {"卫生服务中心", ClassLandmark},
	{"养老院", ClassLandmark}, {"敬老院", ClassLandmark}, {"银行", ClassLandmark}, {"酒店", ClassLandmark},
	{"宾馆", ClassLandmark}, {"酒楼", ClassLandmark}, {"饭店", ClassLandmark}, {"电影院", ClassLandmark},
	{"网吧", ClassLandmark}, {"祠堂", ClassLandmark}, {"公司", ClassLandmark},
	{"大道", ClassRoad}, {"大街", ClassRoad}, {"胡同", ClassRoad},
	{"小区", ClassEstate}, {"社区", ClassEstate}, {"花园", ClassEstate}, {"新村", ClassEstate},
	{"家园", ClassEstate}, {"公寓", ClassEstate}, {"大厦", ClassEstate},
	{"厂", ClassLandmark},
	{"路", ClassRoad}, {"街", ClassRoad}, {"巷", ClassRoad}, {"弄", ClassRoad},
	{"苑", ClassEstate}, {"园", ClassEstate},
	{"村", ClassVillage}, {"组", ClassVillage},
}

// notPlaces are common words that end like a place name but name none
// (马路, 跑路, 幼儿园 is a landmark, not an estate called 幼儿).
var notPlaces = setOf(
	"马路", "公路", "道路", "铁路", "水路", "线路", "电路", "思路", "出路", "一路", "半路", "走路", "过路",
	"让路", "修路", "带路", "小路", "大路", "主路", "岔路", "山路", "土路", "上路", "开路", "拦路", "绕路",
	"近路", "远路", "来路", "去路", "迷路", "赶路", "问路", "堵路", "封路", "挡路", "占路", "沿路", "顺路",
	"跑路", "网路", "套路", "门路", "引路", "探路", "活路", "后路", "退路", "进路", "同路", "街路",
	"上街", "逛街", "小街", "沿街", "临街", "当街", "满街", "整街", "一街", "条街", "吃街", "食街", "老街",
	"小巷", "后巷", "街巷", "深巷", "里巷", "窄巷", "巷弄",
	"校园", "果园", "菜园", "动物园", "游乐园", "陵园", "田园", "茶园", "庄园", "乐园", "植物园", "产业园",
	"科技园", "墓园", "花园", "公园", "家园", "园区", "中心花园", "空中花园", "屋顶花园", "后花园",
	"乡村", "农村", "山村", "全村", "进村", "出村", "本村", "外村", "邻村", "同村", "整村", "回村",
	"小组", "分组", "班组", "机组", "组组", "全组", "本组", "各组",
	"工厂", "本厂", "全厂", "进厂", "出厂", "回厂", "建厂", "办厂", "开厂",
	"集市", "农贸", "停车场", "十字路", "夜路", "上小学", "上中学", "上幼儿园", "读小学", "读中学",
	"燃气公司", "物业公司", "热力公司", "自来水公司", "水务公司", "供电公司", "电力公司", "保险公司",
)

// notNames are words that stand before a place suffix without naming a
// place: 希望社区来调解 is a hope, not an estate.
var notNames = setOf("希望", "请求", "麻烦", "要求", "联系", "通知", "告知", "反映", "报告", "协调", "帮忙", "来自",
	"位于", "居住", "属于", "就是", "还是", "不是", "已经", "整个", "所在", "本地", "外地", "当地", "附近", "周边",
	"近日", "今天", "昨天", "每天", "全部", "前往", "送往", "返回", "回到", "进入", "经过", "路过", "门口", "门前",
	"旁边", "对面", "后面", "前面", "里面", "外面", "隔壁")

// notAfter are the characters that, right after a place suffix, make it
// part of another word (路灯, 村民, 厂长, 广场舞, 市场监管).
var notAfter = map[string]string{
	"路": "灯过费况", "街": "坊", "村": "民", "厂": "长方家里区", "广场": "舞", "市场": "监价化",
}

// functionRunes never occur in the two characters that name a place.
var functionRunes = setOfRunes("的了在是和与及跟到从往向对那这个些我你他她它们有就都也还又被把给让说去来住哪某每该此其由至自得请找叫问么" +
	"几一两段盏根条只辆位名座片块")

// landmarkGroups are kinds of places a report can be at, each a list of
// synonyms whose first word is the canonical key. Two reports that each
// name landmarks but share none describe different places.
var landmarkGroups = [][]string{
	{"加油站", "加气站", "充电站"},
	{"超市", "大卖场", "购物广场"},
	{"便利店", "小卖部", "小超市", "杂货店", "烟酒店", "商店"},
	{"商场", "购物中心", "商城", "百货"},
	{"菜市场", "菜场", "农贸市场", "菜市", "集贸市场"},
	{"夜市"},
	{"小吃街", "美食街"},
	{"烧烤城"},
	{"网吧", "网咖"},
	{"ktv", "歌厅", "练歌房", "歌舞厅"},
	{"酒吧"},
	{"健身房", "健身馆", "健身中心"},
	{"理发店", "美发店", "发廊", "理发"},
	{"洗车", "洗车场", "洗车店", "洗车点", "汽车美容"},
	{"美容院", "美容店", "美甲店", "美容"},
	{"足浴店", "洗浴中心", "浴室", "按摩店"},
	{"药店", "药房"},
	{"诊所", "诊疗点", "门诊部", "卫生室", "牙科"},
	{"卫生服务中心", "卫生服务站"},
	{"养老院", "敬老院", "福利院"},
	{"银行"},
	{"邮局", "邮政所", "邮政网点"},
	{"驿站", "快递站", "快递点"},
	{"棋牌室", "麻将馆"},
	{"宾馆", "旅馆", "酒店", "招待所", "民宿"},
	{"饭店", "餐馆", "饭馆", "酒楼", "餐厅", "菜馆", "川菜馆", "川味馆", "快餐", "小吃店", "包子铺", "饺子馆",
		"面馆", "烤鱼店", "火锅店", "烧烤店", "早餐店", "早点铺", "麻辣烫", "大排档"},
	{"食堂", "助餐点", "长者食堂"},
	{"奶茶店", "饮品店"},
	{"水果店", "水果摊"},
	{"五金店"},
	{"服装店"},
	{"手机店"},
	{"培训机构", "培训班", "辅导班"},
	{"公交站", "公交站台", "公交车站", "站台", "站亭", "候车亭"},
	{"地铁站", "地铁口"},
	{"火车站", "汽车站", "客运站"},
	{"小学"},
	{"中学", "初中", "高中"},
	{"幼儿园", "托儿所"},
	{"天桥", "人行天桥", "过街天桥"},
	{"隧道", "下穿隧道", "地下通道", "地道"},
	{"工地", "在建项目", "施工工地", "在建工地"},
	{"工业园", "工业区", "开发区"},
	{"祠堂", "宗祠"},
	{"寺庙"},
	{"村委", "村委会", "村民委员会", "村部"},
	{"垃圾站", "垃圾房", "垃圾收集点", "垃圾中转站", "垃圾屋"},
	{"停车场", "车库", "地下车库", "停车区", "停车楼"},
	{"车棚", "自行车棚", "非机动车棚"},
	{"公厕", "公共厕所", "厕所"},
	{"公园"},
	{"广场"},
	{"花园", "中心花园", "小花园"},
	{"活动室", "活动中心", "文化站"},
	{"体育馆", "体育场"},
	{"图书馆", "书店"},
	{"电影院"},
	{"水塘", "池塘", "鱼塘"},
	{"水库"},
	{"游泳池", "泳池"},
	{"变电站", "配电房"},
	{"路口", "交叉口", "十字路口", "交汇处", "丁字路口"},
	{"地下室"},
}

// surnames are common Chinese family names, for people named in a report
// (张奶奶, 老王, 周先生).
var surnames = setOfRunes("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊孟秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

// personTitles follow a surname to name a person.
var personTitles = []string{"老太太", "老太", "老头", "老汉", "奶奶", "爷爷", "大爷", "大妈", "大娘", "阿姨",
	"叔叔", "婶", "师傅", "先生", "女士", "同志", "老师", "医生", "大哥", "大姐", "婆婆", "阿婆", "伯", "某",
	"家"}

// placeRunes end a family name used as a place name (杨家湾, 李家村).
var placeRunes = setOfRunes("湾村庄坪岭沟坝塘岗寨屯营桥巷山院口")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func setOfRunes(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}
