package dedup

import (
	"maps"
	"slices"
	"testing"
)

func TestExtract(t *testing.T) {
	type details = map[Kind][]string
	tests := []struct {
		text    string
		places  []string
		details details
	}{
		{"翠柳巷东口的垃圾桶满了", []string{"翠柳巷"}, details{Direction: {"东"}}},
		{"巡查发现：翠柳巷西口垃圾收集点垃圾满溢", []string{"翠柳巷"}, details{Direction: {"西"}, Landmark: {"垃圾站"}}},
		{"枫林10栋502装修", []string{"枫林"}, details{Building: {"10"}, Room: {"502"}, Floor: {"5"}}},
		{"百合苑三号楼旁边的消防车道", []string{"百合苑"}, details{Building: {"3"}}},
		{"翠柳巷5号楼三单元楼道里煤气味", []string{"翠柳巷"}, details{Building: {"5"}, Unit: {"3"}}},
		{"金桥安置小区2栋401家里漏水，渗到我家（301）", []string{"安置小区"},
			details{Building: {"2"}, Room: {"301", "401"}, Floor: {"3", "4"}}},
		{"新华街十八号的川味馆子", []string{"新华街"}, details{House: {"18"}, Landmark: {"饭店"}}},
		{"地铁二号线解放路站B口共享单车", []string{"解放路"}, details{Exit: {"b"}, Landmark: {"地铁站"}}},
		{"河西村三组王家和李家", []string{"河西村"}, details{Group: {"3"}, Person: {"李", "王"}}},
		{"东湖社区5栋独居的张奶奶", []string{"东湖社区"}, details{Building: {"5"}, Person: {"张"}}},
		{"东湖5号楼的王爷爷", []string{"东湖"}, details{Building: {"5"}, Person: {"王"}}},
		{"建设路“好又多”手机店门口循环放“手机免费送”", []string{"建设路"}, details{Landmark: {"手机店"}, Name: {"好又多"}}},
		{"锦绣花园负一楼停车场", []string{"锦绣花园"}, details{Floor: {"-1"}, Landmark: {"停车场"}}},
		{"锦绣花园中心花园", []string{"锦绣花园"}, details{Landmark: {"花园"}}},
		{"金桥村委对面一栋三层自建房", []string{"金桥村"}, details{Landmark: {"村委"}}},
		{"幸福路和建设路路口往东五十米", []string{"幸福路", "建设路"}, details{Direction: {"东"}, Landmark: {"路口"}}},
		{"建设路中段一棵大树", []string{"建设路"}, details{Direction: {"中"}}},
		{"东湖北门口有辆白色面包车", nil, details{Colour: {"白"}, Direction: {"北"}}},
		{"滨河公园河面漂了很多白色垃圾", []string{"滨河公园"}, details{Landmark: {"公园"}}},
		{"实验小学后面的教师公寓停电", []string{"实验小学", "教师公寓"}, details{Landmark: {"小学"}}},
		{"恒达建材厂拖欠工资", []string{"建材厂"}, details{}},
		{"东湖路菜鸟驿站门口", []string{"东湖路", "菜鸟驿站"}, details{Landmark: {"驿站"}}},
		// words that look like places but are not
		{"望江路公交站附近那几盏路灯不亮了", []string{"望江路"}, details{Landmark: {"公交站"}}},
		{"老板跑路了，在马路上堵着", nil, details{}},
		{"孩子九月上小学要准备啥", nil, details{}},
		{"幸福广场每晚广场舞", []string{"幸福广场"}, details{Landmark: {"广场"}}},
		{"希望社区来调解一下", nil, details{}},
		{"漂了一层，一层一层爬", nil, details{}},
		{"任何家长都可以", nil, details{}},
		{"杨家湾组山上滚石头", []string{"家湾组"}, details{}},
		{"拉横幅讨薪，说“下个月一定结清”", nil, details{}},
	}
	for _, tt := range tests {
		a := Extract(tt.text)
		var places []string
		for _, p := range a.Places {
			places = append(places, p.String())
		}
		if !slices.Equal(places, tt.places) {
			t.Errorf("%s: places %q, want %q", tt.text, places, tt.places)
		}
		if !maps.EqualFunc(a.Details, tt.details, slices.Equal) {
			t.Errorf("%s: details %v, want %v", tt.text, a.Details, tt.details)
		}
	}
}

func TestArabic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"三号楼", "3号楼"},
		{"十八号", "18号"},
		{"二十三栋", "23栋"},
		{"五单元", "5单元"},
		{"一二零三室", "1203室"},
		{"一百零二号", "102号"},
		{"一栋三层的房子", "一栋3层的房子"},
		{"十几只鸽子", "十几只鸽子"},
		{"第三次反映", "第三次反映"},
	}
	for _, tt := range tests {
		if got := arabic(tt.in); got != tt.want {
			t.Errorf("arabic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
