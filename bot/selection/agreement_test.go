package selection_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// krippendorff is the reliability data of Krippendorff's own worked
// example (K. Krippendorff, "Computing Krippendorff's Alpha-Reliability",
// 2011, section C: four observers A–D, twelve units, values 1–5, with
// missing values), whose interval alpha he gives as 0.849:
//
//	unit  1  2  3  4  5  6  7  8  9  10 11 12
//	A     1  2  3  3  2  1  4  1  2  .  .  .
//	B     1  2  3  3  2  2  4  1  2  5  .  3
//	C     .  3  3  3  2  3  4  2  2  5  1  .
//	D     1  2  3  3  2  4  4  1  2  5  1  .
//
// By hand: unit 12 has one value and is left out, so n = 40 pairable
// values, Σv = 100, Σv² = 306. Only units 2, 6 and 8 disagree: units 2
// and 8 have Σ_{i≠j}(v_i−v_j)² = 6, unit 6 (1, 2, 3, 4) has 2(4·30 − 10²)
// = 40, each over m_u − 1 = 3, so D_o = (2 + 40/3 + 2) / 40 = 13/30 =
// 0.4333. D_e = 2(40·306 − 100²) / (40·39) = 4480/1560 = 2.8718. Alpha =
// 1 − 0.4333/2.8718 = 0.84911.
func krippendorff() selection.Ratings {
	const A, B, C, D = 1, 2, 3, 4
	rows := map[int64][]float64{ // 0 is missing
		A: {1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0},
		B: {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3},
		C: {0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0},
		D: {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0},
	}
	r := selection.Ratings{}
	for member, values := range rows {
		for u, v := range values {
			if v == 0 {
				continue
			}
			code := string(rune('a' + u))
			if r[code] == nil {
				r[code] = map[int64]float64{}
			}
			r[code][member] = v
		}
	}
	return r
}

func TestAlpha_KrippendorffsExample(t *testing.T) {
	got, ok := selection.Alpha(krippendorff())
	if !ok || !near(got, 1-(13.0/30)/(4480.0/1560)) || math.Round(got*1000) != 849 {
		t.Errorf("alpha = %v, %v; want 0.849", got, ok)
	}
}

// Leaving out unit 6, the one disagreement of four different values,
// raises alpha most; the units everyone agrees on lower it when left
// out, as they are the agreement.
func TestDrags_KrippendorffsExample(t *testing.T) {
	r := krippendorff()
	alpha, _ := selection.Alpha(r)
	drags := selection.Drags(r, alpha)
	if len(drags) != 11 { // unit 12 has one value: leaving it out changes nothing
		t.Fatalf("%d drags: %+v", len(drags), drags)
	}
	if drags[0].Code != "f" || drags[0].Rise <= 0 {
		t.Errorf("biggest drag %+v, want unit 6 (f)", drags[0])
	}
	// Without unit 6: n = 36, Σv = 90, Σv² = 276, D_o = (2 + 2) / 36,
	// D_e = 2(36·276 − 90²) / (36·35) = 3672/1260.
	want := 1 - (4.0/36)/(3672.0/1260)
	if !near(drags[0].Without, want) || !near(drags[0].Rise, want-alpha) {
		t.Errorf("alpha without unit 6 = %v, want %v", drags[0].Without, want)
	}
	// Each is alpha computed afresh without that unit.
	for _, d := range drags {
		rest := selection.Ratings{}
		for code, totals := range r {
			if code != d.Code {
				rest[code] = totals
			}
		}
		if want, ok := selection.Alpha(rest); !ok || !near(d.Without, want) {
			t.Errorf("without %s: %v, afresh %v", d.Code, d.Without, want)
		}
	}
	a := selection.Agree(r)
	// Unit 2 (2, 2, 3, 2) also raises alpha when left out; unit 8 (1, 1,
	// 2, 1), the same disagreement at the bottom of the scale where the
	// values are rarer, does not.
	if down := a.PullingDown(3); len(down) != 2 || down[0].Code != "f" || down[1].Code != "b" {
		t.Errorf("pulling down: %+v", down)
	}
	for _, d := range a.PullingDown(20) {
		if d.Rise <= 0 {
			t.Errorf("%s does not pull alpha down: %+v", d.Code, d)
		}
	}
}

func TestAlpha_Edges(t *testing.T) {
	tests := []struct {
		name string
		r    selection.Ratings
		want float64
		ok   bool
	}{
		{"Empty", selection.Ratings{}, 0, false},
		// One member: no application has two totals to compare.
		{"OneMember", selection.Ratings{"A-001": {1: 80}, "A-002": {1: 60}}, 0, false},
		// All equal: no variation, D_e = 0.
		{"AllEqual", selection.Ratings{"A-001": {1: 70, 2: 70}, "A-002": {1: 70, 2: 70}}, 0, false},
		// Everyone recused from everything but one total each.
		{"AllMissing", selection.Ratings{"A-001": {1: 80}, "A-002": {2: 60}, "A-003": {}}, 0, false},
		{"Perfect", selection.Ratings{"A-001": {1: 80, 2: 80}, "A-002": {1: 60, 2: 60}}, 1, true},
		// Two members in opposite orders: n = 4, Σv = 280, Σv² = 20000,
		// D_o = (800/1 + 800/1) / 4 = 400, D_e = 2(4·20000 − 280²)/12 = 266.67:
		// alpha = 1 − 400/266.67 = −0.5.
		{"Opposite", selection.Ratings{"A-001": {1: 80, 2: 60}, "A-002": {1: 60, 2: 80}}, -0.5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := selection.Alpha(tt.r)
			if ok != tt.ok || !near(got, tt.want) {
				t.Errorf("alpha = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
			if a := selection.Agree(tt.r); !ok && (len(a.Drags) != 0 || len(a.PullingDown(5)) != 0) {
				t.Errorf("drags of an undefined alpha: %+v", a.Drags)
			}
		})
	}
}

func TestScalesAndZ(t *testing.T) {
	// Member 1 scores 60, 80, 100: mean 80, SD √(800/3) = 16.33.
	// Member 2 scores everyone 70: SD 0, left out of the z-mean.
	// Member 3 scored one application: SD 0 too.
	r := selection.Ratings{
		"A-001": {1: 60, 2: 70, 3: 90},
		"A-002": {1: 80, 2: 70},
		"A-003": {1: 100, 2: 70},
	}
	scales := selection.Scales(r)
	sd := math.Sqrt(800.0 / 3)
	if s := scales[1]; s.N != 3 || !near(s.Mean, 80) || !near(s.SD, sd) {
		t.Errorf("member 1: %+v", s)
	}
	if s := scales[2]; s.N != 3 || s.SD != 0 {
		t.Errorf("member 2: %+v", s)
	}
	if z, ok := scales[1].Z(100); !ok || !near(z, 20/sd) {
		t.Errorf("z of 100 = %v, %v", z, ok)
	}
	for _, m := range []int64{2, 3, 4} {
		if _, ok := scales[m].Z(70); ok {
			t.Errorf("member %d has a z-score: %+v", m, scales[m])
		}
	}
	// only member 1 counts: (60 − 80)/16.33 = −1.2247.
	if z, ok := selection.ZMean(r["A-001"], scales); !ok || !near(z, -20/sd) {
		t.Errorf("z-mean of A-001 = %v, %v", z, ok)
	}
	if _, ok := selection.ZMean(map[int64]float64{2: 70, 3: 90}, scales); ok {
		t.Error("a z-mean with no member whose SD is above 0")
	}
}

// A member who scores everyone 20 points lower than another has the same
// z-scores: standardising removes her own level and spread, whatever
// they are.
func TestZ_HarshAndLenientAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		r := selection.Ratings{}
		for i := range 2 + rng.IntN(8) {
			v := 20 + 80*rng.Float64()
			r[string(rune('a'+i))] = map[int64]float64{1: v, 2: v*0.5 + 10 - 20*0.5}
		}
		scales := selection.Scales(r)
		if scales[1].SD == 0 {
			continue
		}
		for code, totals := range r {
			z1, ok1 := scales[1].Z(totals[1])
			z2, ok2 := scales[2].Z(totals[2])
			if !ok1 || !ok2 || math.Abs(z1-z2) > 1e-9 {
				t.Fatalf("%s: z %v and %v for totals %v", code, z1, z2, totals)
			}
		}
		// Each member's z-scores have mean 0.
		sum := 0.0
		for _, totals := range r {
			z, _ := scales[1].Z(totals[1])
			sum += z
		}
		if math.Abs(sum) > 1e-9 {
			t.Fatalf("z-scores sum to %v", sum)
		}
	}
}

// Alpha is at most 1, and 1 only when every application's totals are
// equal among themselves.
func TestAlpha_Properties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		r := selection.Ratings{}
		for i := range 1 + rng.IntN(10) {
			totals := map[int64]float64{}
			for m := range int64(1 + rng.IntN(4)) {
				if rng.IntN(4) > 0 { // a quarter missing
					totals[m] = float64(20 + rng.IntN(81))
				}
			}
			r[string(rune('a'+i))] = totals
		}
		alpha, ok := selection.Alpha(r)
		if ok && alpha > 1+1e-9 {
			t.Fatalf("alpha %v over 1 for %v", alpha, r)
		}
		if ok && near(alpha, 1) {
			for code, totals := range r {
				var values []float64
				for _, v := range totals {
					values = append(values, v)
				}
				for _, v := range values {
					if v != values[0] {
						t.Fatalf("alpha 1 with %s disagreeing: %v", code, totals)
					}
				}
			}
		}
	}
}

func TestRatingsOf(t *testing.T) {
	apps := []store.Application{
		{Code: "A-001", Status: store.StatusSubmitted},
		{Code: "A-002", Status: store.StatusWithdrawn},
	}
	scores := []store.Score{
		{Code: "A-001", MemberID: 1, Points: all(4), Confirmed: true},
		{Code: "A-001", MemberID: 2, Points: all(5)},                  // not confirmed
		{Code: "A-001", MemberID: 3, Recusal: store.RecusalNeighbour}, // recused
		{Code: "A-002", MemberID: 1, Points: all(5), Confirmed: true}, // withdrawn
		{Code: "A-003", MemberID: 1, Points: all(5), Confirmed: true}, // not an application
	}
	r := selection.RatingsOf(apps, scores)
	if len(r) != 1 || len(r["A-001"]) != 1 || r["A-001"][1] != 80 {
		t.Errorf("ratings %v", r)
	}
}

func all(p int) [store.Criteria]int { return [7]int{p, p, p, p, p, p, p} }
