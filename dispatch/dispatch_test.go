package dispatch

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/datasets"
)

func newDispatcher(t *testing.T) *Dispatcher {
	t.Helper()
	tax, err := datasets.Default()
	if err != nil {
		t.Fatal(err)
	}
	j, err := ReadJurisdiction(strings.NewReader("grid_id\tcommunity\tstreet\nG-1\t幸福里社区\t城关街道\n"))
	if err != nil {
		t.Fatal(err)
	}
	return &Dispatcher{Taxonomy: tax, Jurisdiction: j, Deadlines: DefaultDeadlines()}
}

// prediction puts probability top on label and spreads the rest evenly.
func prediction(labels []string, label string, top float64) classify.Prediction {
	p := classify.Prediction{Label: label, Probability: top, Probabilities: make([]float64, len(labels))}
	rest := (1 - top) / float64(len(labels)-1)
	for i, l := range labels {
		p.Probabilities[i] = rest
		if l == label {
			p.Probabilities[i] = top
		}
	}
	p.Margin = top - rest
	p.Top = []classify.Scored{{Label: label, Probability: top}}
	return p
}

var now = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func TestLeadIsTheTaxonomysForEveryCategory(t *testing.T) {
	d := newDispatcher(t)
	labels := d.Taxonomy.Codes()
	for _, cat := range d.Taxonomy.Categories {
		t.Run(cat.Code, func(t *testing.T) {
			dec, err := d.Dispatch(gridtriage.Report{Text: "网格员上报一件事", GridID: "G-1"}, prediction(labels, cat.Code, 0.9), labels, 0.5, now)
			if err != nil {
				t.Fatal(err)
			}
			if dec.LeadDept != cat.Lead || dec.Joint {
				t.Errorf("lead %s (joint %v), want %s", dec.LeadDept, dec.Joint, cat.Lead)
			}
			for _, co := range cat.Co {
				if co != dec.LeadDept && !slices.Contains(dec.CoDepts, co) {
					t.Errorf("co-departments %v lack %s", dec.CoDepts, co)
				}
			}
			if slices.Contains(dec.CoDepts, dec.LeadDept) {
				t.Errorf("lead %s repeated among co-departments %v", dec.LeadDept, dec.CoDepts)
			}
			if dec.Street != "城关街道" || dec.Community != "幸福里社区" {
				t.Errorf("area %q/%q", dec.Street, dec.Community)
			}
		})
	}
}

func TestUrgency(t *testing.T) {
	d := newDispatcher(t)
	labels := d.Taxonomy.Codes()
	tests := []struct {
		name, label, text string
		want              datasets.Urgency
	}{
		{"default general", "SR01", "小区门口垃圾桶满了好几天没人清运", datasets.General},
		{"default urgent", "SZ02", "路口井盖没了，晚上很危险", datasets.Urgent},
		{"default consult", "MS04", "医保异地报销要带哪些材料", datasets.Consult},
		{"fire escalates", "AQ01", "楼道里堆的纸箱冒烟了", datasets.Urgent},
		{"gas smell escalates", "AQ03", "楼下饭店后厨一股燃气味", datasets.Urgent},
		{"negated fire does not", "AQ01", "楼道堆满杂物，暂时没有明火，但很危险", datasets.General},
		{"trapped escalates", "AQ07", "电梯卡在5楼，里面有人被困", datasets.Urgent},
		{"collapse escalates", "SZ01", "人行道突然塌陷了一个大坑", datasets.Urgent},
		{"flooding escalates", "SZ04", "地下车库大面积积水，车都泡了", datasets.Urgent},
		{"crowd escalates", "MD02", "几十人堵在工地门口讨薪", datasets.Urgent},
		{"knife escalates", "MD01", "两家人吵起来，有人拿刀了", datasets.Urgent},
		{"food poisoning escalates", "SC02", "食堂吃完午饭多人呕吐腹泻", datasets.Urgent},
		{"sparking escalates", "SZ03", "路灯杆底下在打火", datasets.Urgent},
		{"tilting escalates", "AQ04", "老楼外墙明显倾斜，还在往下掉渣", datasets.Urgent},
		{"question de-escalates", "SR01", "请问大件垃圾怎么预约清运？", datasets.Consult},
		{"question on urgent category", "TF02", "请问闻到燃气味应该先做什么？", datasets.Urgent},
		{"question with complaint stays", "HJ01", "请问楼上装修太吵能不能管管？", datasets.General},
		{"cry for help escalates", "HJ07", "快来人！小区门口有条狗追着人跑", datasets.Urgent},
		{"bite injury escalates", "HJ07", "流浪狗把放学的小孩咬伤了", datasets.Urgent},
		{"thick smoke escalates", "HJ03", "工地围挡里在烧旧油毡，浓烟往幼儿园飘", datasets.Urgent},
		{"falling pieces escalate", "AQ05", "外墙瓷砖往下掉，下面是单元出入口", datasets.Urgent},
		{"short question de-escalates", "JM03", "共享单车能停在小区门口吗？", datasets.Consult},
		{"long description ending in a question stays", "JM01", "旁边废品回收站把纸箱和旧冰箱堆满了人行道，三轮车还停一整排，已经好几个月了，行人只能走到机动车道上，能不能叫他们收一收？", datasets.General},
		{"rattling cover drops", "SZ02", "井盖有点松动，车一过就哐当响", datasets.General},
		{"missing cover stays urgent", "SZ02", "井盖松动后被偷了，现在没了", datasets.Urgent},
		{"traditional fire escalates", "SR01", "樓下垃圾房著火了，煙好大", datasets.Urgent},
		{"traditional question de-escalates", "AQ03", "請問熱水器可以自己找師傅移位嗎？", datasets.Consult},
		{"demand to come now escalates", "JM01", "早市摆到机动车道上了，公交车都过不去，赶紧派人来！", datasets.Urgent},
		{"hotline demand escalates", "SR02", "市民来电反映：弯道上有人倒了一车渣土占了半边车道。诉求：立即清理。", datasets.Urgent},
		{"negated demand does not", "SR01", "路边垃圾桶满了，不用马上派人，明天顺路收一下就行", datasets.General},
		{"polite request stays general", "SR01", "請問有沒有人管一下，巷子口的垃圾放了三天了", datasets.General},
		{"request phrased as a question stays", "SZ05", "楼上都热我家不热，师傅能来看一下吗？", datasets.General},
		{"resolved incident drops", "TF01", "网格员上报：门面外垃圾桶起火，已用灭火器扑灭，周边无复燃迹象", datasets.General},
		{"resolved crash drops", "TF06", "巡查发现：路口两车刮擦，无人受伤，已引导至路边等交警快处", datasets.General},
		{"resolved enquiry is a question", "TF01", "来电人咨询：车辆前天自燃，消防已扑灭，想了解去哪里开火灾证明", datasets.Consult},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec, err := d.Dispatch(gridtriage.Report{Text: tt.text}, prediction(labels, tt.label, 0.9), labels, 0.5, now)
			if err != nil {
				t.Fatal(err)
			}
			if dec.Urgency != string(tt.want) {
				t.Errorf("urgency %s, want %s (rules %v)", dec.Urgency, tt.want, dec.Rules)
			}
			dl := DefaultDeadlines()[tt.want]
			if !dec.DispatchBy.Equal(now.Add(dl.Dispatch)) || !dec.ResolveBy.Equal(now.Add(dl.Resolve)) {
				t.Errorf("deadlines %v / %v, want +%v / +%v", dec.DispatchBy, dec.ResolveBy, dl.Dispatch, dl.Resolve)
			}
		})
	}
}

func TestTwoDepartmentReportIsLedByTheStreet(t *testing.T) {
	d := newDispatcher(t)
	labels := d.Taxonomy.Codes()
	p := prediction(labels, "SZ02", 0.5) // 井盖 (ZJ)
	for i, l := range labels {
		switch l {
		case "SZ02":
			p.Probabilities[i] = 0.45
		case "JM01": // 占道经营 (CG)
			p.Probabilities[i] = 0.40
		default:
			p.Probabilities[i] = 0.15 / float64(len(labels)-2)
		}
	}
	p.Probability = 0.45
	dec, err := d.Dispatch(gridtriage.Report{Text: "井盖没了，旁边还有人占道摆摊"}, p, labels, 0.3, now)
	if err != nil {
		t.Fatal(err)
	}
	if !dec.Joint || dec.LeadDept != StreetDept || !slices.Contains(dec.CoDepts, "ZJ") || !slices.Contains(dec.CoDepts, "CG") {
		t.Errorf("joint %v lead %s co %v; want the street leading with ZJ and CG", dec.Joint, dec.LeadDept, dec.CoDepts)
	}
}

func TestUncertainReportGoesToReview(t *testing.T) {
	d := newDispatcher(t)
	labels := d.Taxonomy.Codes()
	dec, err := d.Dispatch(gridtriage.Report{Text: "有个情况反映一下"}, prediction(labels, "QT01", 0.3), labels, 0.8, now)
	if err != nil {
		t.Fatal(err)
	}
	if !dec.NeedsReview || dec.Automatic {
		t.Errorf("needs review %v automatic %v, want review", dec.NeedsReview, dec.Automatic)
	}
	dec, _ = d.Dispatch(gridtriage.Report{Text: "井盖没了"}, prediction(labels, "SZ02", 0.95), labels, 0.8, now)
	if dec.NeedsReview || !dec.Automatic {
		t.Errorf("a confident report went to review")
	}
}

func TestLoadBreaksCloseCalls(t *testing.T) {
	d := newDispatcher(t)
	d.Load = func(dept string) int { return map[string]int{"GA": 500}[dept] }
	ranked := d.rankDepartments(map[string]float64{"GA": 0.30, "HB": 0.295}, nil)
	if ranked[0] != "HB" {
		t.Errorf("ranking %v: the loaded department should lose a near tie", ranked)
	}
}

func TestUnknownCategory(t *testing.T) {
	d := newDispatcher(t)
	_, err := d.Dispatch(gridtriage.Report{Text: "x"}, classify.Prediction{Label: "NOPE"}, nil, 0.5, now)
	if gridtriage.KindOf(err) != gridtriage.KindInvalid {
		t.Errorf("err %v, want invalid", err)
	}
}
