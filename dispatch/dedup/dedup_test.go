package dedup

import (
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
)

func TestSamePlace(t *testing.T) {
	tests := []struct {
		earlier, later string
		same           bool
		reason         string // a part of the reason
	}{
		// the same event told again
		{"锦绣花园4栋单元门上贴满了小广告", "巡查发现：锦绣花园4号楼单元门及楼道墙面被张贴小广告", true, "锦绣花园"},
		{"东湖社区北门外停着一辆白色面包车", "东湖北门口有辆僵尸车，白色的面包", true, "东湖社区"},
		{"新华街18号那家川菜馆油烟往后巷排", "新华街十八号的川味馆子，排烟管直通后面小巷子", true, "新华街"},
		{"建设路42号楼上有户人家窗户冒黑烟", "来电人称：建设路42号居民楼四层一住户窗口冒出浓烟", true, "建设路"},
		{"红星菜市场东门外卖菜的三轮车", "红星菜市场东侧出入口外流动摊贩占道", true, "菜市场"},
		{"东湖路加油站对面路面塌了", "转自东湖社区群：东湖路加油站对面路面塌了", true, "东湖路"},
		{"幸福路人行道上盲道砖碎了", "巡查发现：幸福路（幸福广场至菜市场段）人行道盲道砖破碎", true, "幸福路"},
		// no place in common
		{"幸福路78号门口的井盖没了", "来电人反映：建设路78号门前人行道井盖缺失", false, "no place"},
		{"东湖社区后面空地有人倒垃圾", "东湖路桥下面有人扔了旧沙发", false, "no place"},
		{"请问居住证明要带什么材料", "请问居住证明要带什么材料", false, "no place"},
		// each names a place the other does not
		{"人民路和解放路路口红绿灯黄闪", "人民路和滨河路那个路口的红绿灯不亮", false, "different places"},
		// a detail differs
		{"翠柳巷东口的垃圾桶满了", "翠柳巷西口垃圾收集点垃圾满溢", false, "direction"},
		{"枫林10栋502装修砸墙", "枫林10栋1502装修打电钻", false, "room"},
		{"东湖5栋独居的张奶奶好几天没下楼", "东湖5号楼的王爷爷摔了腿", false, "person"},
		{"地铁解放路站B口共享单车堆成山", "地铁二号线解放路站D出口共享单车积压", false, "exit"},
		{"建设路加油站门口两车撞了", "建设路大润超市门口出租车撞倒了人", false, "landmark"},
		{"建设路“潮人”服装店喇叭太吵", "建设路“好又多”手机店音箱太吵", false, "landmark"},
		{"解放路菜场旁边空地搭钢架棚", "解放路22号临街店铺门前加盖砖房", false, "spots"},
		// the later report says it is another occurrence
		{"幸福路78号门口井盖缺失", "幸福路78号门口的井盖又丢了！三月份丢的那块早就补好了，这次是新丢的", false, "new occurrence"},
	}
	for _, tt := range tests {
		same, reason := SamePlace(Parse(tt.earlier), Parse(tt.later))
		if same != tt.same || !strings.Contains(reason, tt.reason) {
			t.Errorf("SamePlace(%s, %s) = %v %q, want %v and a reason with %q", tt.earlier, tt.later, same, reason, tt.same, tt.reason)
		}
	}
}

func TestConflicts(t *testing.T) {
	tests := []struct {
		a, b string
		want []Kind
	}{
		{"百合苑3号楼", "百合苑三号楼", nil},
		{"百合苑3号楼", "百合苑6号楼", []Kind{Building}},
		{"东湖12栋1单元", "东湖12栋2单元", []Kind{Unit}},
		{"东湖12栋1单元", "东湖12栋", nil},               // one-sided: no conflict
		{"9栋1203和1204两家", "9号楼12楼，03和04两家", nil}, // the room's floor is 12
		{"“金嗓子”KTV", "金嗓子KTV", nil},              // the quoted name appears unquoted
		{"“老王家”包子铺", "“小李饺子馆”", []Kind{Person, Name}},
		{"朝阳路老街坊面馆桌椅摆到人行道", "朝阳路“胖哥”烧烤店把桌子摆到人行道", []Kind{Name}}, // one names another eatery
		{"建设路那家服装店的喇叭", "建设路“潮人”服装店门口喇叭", []Kind{Name}},
		{"建设路潮人服装店的喇叭", "建设路“潮人”服装店门口喇叭", nil},
		{"白色面包车", "红色轿车", []Kind{Colour}},
		{"河西村三组", "河西村5组", []Kind{Group}},
	}
	for _, tt := range tests {
		var kinds []Kind
		for _, c := range Conflicts(Parse(tt.a), Parse(tt.b)) {
			kinds = append(kinds, c.Kind)
		}
		if strings.Join(kindStrings(kinds), ",") != strings.Join(kindStrings(tt.want), ",") {
			t.Errorf("Conflicts(%s, %s) = %v, want %v", tt.a, tt.b, kinds, tt.want)
		}
	}
}

func kindStrings(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func TestMentions(t *testing.T) {
	estate := Place{Class: ClassEstate, Name: "东湖", Suffix: "社区"}
	tests := []struct {
		text string
		want bool
	}{
		{"东湖5号楼的张老太太", true},
		{"东湖北门口有辆僵尸车", true},
		{"东湖社区活动室", true},
		{"东湖路桥下面", false},  // a road
		{"东湖幼儿园大班", false}, // a kindergarten
		{"西湖社区", false},
	}
	for _, tt := range tests {
		if got := Parse(tt.text).Mentions(estate); got != tt.want {
			t.Errorf("%s mentions %s: %v, want %v", tt.text, estate, got, tt.want)
		}
	}
}

func TestNewOccurrence(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"去年冬天那次修好后一直正常，这是今年新出的问题", true},
		{"年初丢的那个已经换成新的了，这回丢的是旁边另一个", true},
		{"電梯上個月修好後一直正常，今天早上又壞了", true},
		{"跟上次不是一回事", true},
		{"四月份那段早就焊好了，这次是靠码头那边新断的一截", true},
		{"跟上次不是一个地方", true},
		{"又是我！北门外那个雨水篦子丢了三天了还没人管", false},
		{"第三次反映了！垃圾桶从周五满到现在", false},
	}
	for _, tt := range tests {
		if got := NewOccurrence(prepare(tt.text)); got != tt.want {
			t.Errorf("NewOccurrence(%s) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func cands(kv ...any) []gridtriage.Candidate {
	var out []gridtriage.Candidate
	for i := 0; i < len(kv); i += 2 {
		out = append(out, gridtriage.Candidate{Label: kv[i].(string), Probability: kv[i+1].(float64)})
	}
	return out
}

func TestCategoryOverlap(t *testing.T) {
	tests := []struct {
		a, b []gridtriage.Candidate
		want float64
	}{
		{cands("SZ02", 0.99, "SZ04", 0.01), cands("SZ02", 0.95, "JM01", 0.04), 0.95},
		{cands("MD03", 0.995, "MD01", 0.005), cands("MS01", 0.548, "MD03", 0.436, "MD01", 0.01), 0.441},
		{cands("AQ07", 0.99), cands("TF05", 0.99), 0},
	}
	for _, tt := range tests {
		if got := CategoryOverlap(tt.a, tt.b); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("CategoryOverlap(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestTopOf(t *testing.T) {
	p := classify.Prediction{Label: "SZ02", Top: []classify.Scored{{Label: "SZ02", Probability: 0.8}, {Label: "SZ04", Probability: 0.2}}}
	if got := TopOf("SZ02", p); len(got) != 2 || got[1].Label != "SZ04" {
		t.Errorf("TopOf the model's category = %v, want the model's top", got)
	}
	if got := TopOf("JM01", p); len(got) != 1 || got[0] != (gridtriage.Candidate{Label: "JM01", Probability: 1}) {
		t.Errorf("TopOf a reviewed category = %v, want it alone", got)
	}
}

func TestRuleMatch(t *testing.T) {
	probe := Probe{Report: gridtriage.Report{GridID: "G-1", Text: "翠柳巷5号楼3单元楼道里煤气味特别重"},
		Top: cands("AQ03", 0.9, "TF02", 0.1), Grids: []string{"G-1", "G-2"}}
	text := Parse(probe.Report.Text)
	c := Case{ID: "c", Text: "来电人称：翠柳巷5号楼3单元楼道内闻到浓烈燃气味", GridID: "G-2", Category: "AQ03", Top: cands("AQ03", 0.97)}
	rule := DefaultRule()
	tests := []struct {
		name   string
		edit   func(c *Case) float64
		want   bool
		reason string
	}{
		{"same event in a nearby grid", func(*Case) float64 { return 0.3 }, true, "same place"},
		{"grid not near", func(c *Case) float64 { c.GridID = "G-9"; return 0.3 }, false, "grid"},
		{"other category", func(c *Case) float64 { c.Top = cands("HJ01", 0.99); return 0.3 }, false, "categories"},
		{"runner-up category", func(c *Case) float64 { c.Top = cands("TF02", 0.6, "AQ03", 0.4); return 0.3 }, true, "same place"},
		{"similarity below the floor", func(*Case) float64 { return 0.001 }, false, "similarity"},
		{"other unit", func(c *Case) float64 { c.Text = "翠柳巷5号楼1单元楼道燃气味"; return 0.3 }, false, "unit"},
	}
	for _, tt := range tests {
		cc := c
		sim := tt.edit(&cc)
		v := rule.Match(probe, text, cc, sim)
		if v.Duplicate != tt.want || !strings.Contains(v.Reason, tt.reason) {
			t.Errorf("%s: %v %q, want %v and a reason with %q", tt.name, v.Duplicate, v.Reason, tt.want, tt.reason)
		}
	}
}
