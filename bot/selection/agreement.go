package selection

import (
	"cmp"
	"math"
	"slices"

	"github.com/mentorbot/mentorbot/store"
)

// How far staff can trust the commission's totals. Two questions: does a
// member who scores everyone low (or high) move the ranking, and do the
// members agree at all? The first is answered by standardising each
// member's totals against her own scoring (z-scores); the second by
// Krippendorff's alpha on the interval scale, which takes the totals
// missing where a member recused herself or did not confirm.

// Ratings are the confirmed totals of the applications, by application
// code, then by member ID. A member missing from an application's map
// did not score it (she recused herself, or has not confirmed).
type Ratings map[string]map[int64]float64

// RatingsOf are the confirmed, complete totals of the active
// applications among apps.
func RatingsOf(apps []store.Application, scores []store.Score) Ratings {
	active := map[string]bool{}
	for _, a := range apps {
		if a.Active() {
			active[a.Code] = true
		}
	}
	r := Ratings{}
	for _, s := range scores {
		total, ok := Total(s.Points)
		if !ok || !s.Confirmed || !active[s.Code] {
			continue
		}
		if r[s.Code] == nil {
			r[s.Code] = map[int64]float64{}
		}
		r[s.Code][s.MemberID] = total
	}
	return r
}

// Scale is how one member scores: the mean and the population standard
// deviation of her totals over the applications she scored.
type Scale struct {
	N        int // how many applications she scored
	Mean, SD float64
}

// Z is her total standardised against her own scoring: (total − her
// mean) / her SD. ok is false when her SD is 0, which is also the case
// when she scored a single application: her totals then put no
// application above another, and a z-score would divide by zero.
func (s Scale) Z(total float64) (z float64, ok bool) {
	if s.N == 0 || s.SD == 0 {
		return 0, false
	}
	return (total - s.Mean) / s.SD, true
}

// Scales are every member's Scale, by member ID.
func Scales(r Ratings) map[int64]Scale {
	sum, sq, n := map[int64]float64{}, map[int64]float64{}, map[int64]int{}
	for _, totals := range r {
		for m, v := range totals {
			sum[m] += v
			n[m]++
		}
	}
	mean := map[int64]float64{}
	for m := range n {
		mean[m] = sum[m] / float64(n[m])
	}
	// The second pass sums squared deviations, not squares, so that
	// equal totals give an SD of exactly 0.
	for _, totals := range r {
		for m, v := range totals {
			sq[m] += (v - mean[m]) * (v - mean[m])
		}
	}
	out := map[int64]Scale{}
	for m := range n {
		out[m] = Scale{N: n[m], Mean: mean[m], SD: math.Sqrt(sq[m] / float64(n[m]))}
	}
	return out
}

// ZMean is the mean of the members' standardised totals of one
// application: how far above or below her usual scoring each member put
// it, on average, in units of her own spread. A member whose SD is 0 is
// left out (Scale.Z); ok is false when no member is left.
func ZMean(totals map[int64]float64, scales map[int64]Scale) (mean float64, ok bool) {
	sum, n := 0.0, 0
	for m, v := range totals {
		if z, ok := scales[m].Z(v); ok {
			sum += z
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// Alpha is Krippendorff's alpha of the ratings on the interval scale:
// 1 − D_o / D_e, where D_o is the disagreement observed within the
// applications and D_e the disagreement expected by chance, from all the
// totals pooled. Only applications with at least two totals count (a
// single total has nobody to agree with). 1 is perfect agreement, 0 no
// better than chance, below 0 systematic disagreement. ok is false when
// alpha is not defined: fewer than two pairable totals, or all of them
// equal (no variation to agree on).
//
// With n pairable totals in all and m_u in application u:
//
//	D_o = 1/n · Σ_u 1/(m_u − 1) · Σ_{i≠j in u} (v_i − v_j)²
//	D_e = 1/(n(n − 1)) · Σ_{i≠j among all n} (v_i − v_j)²
//
// and Σ_{i≠j} (v_i − v_j)² over a set is 2(k·Σv² − (Σv)²) for its k values.
func Alpha(r Ratings) (alpha float64, ok bool) { return poolOf(r).alpha() }

// pool is what alpha is computed from, summed over the applications with
// at least two totals: how many totals, their sum and sum of squares, and
// each application's Σ_{i≠j}(v_i − v_j)² / (m_u − 1). Sums can be taken
// apart again, so alpha without one application costs no second pass.
type pool struct{ n, sum, sumSq, observed float64 }

// unitPool is one application's share of the pool; ok is false when it
// has fewer than two totals and so takes no part.
func unitPool(totals map[int64]float64) (p pool, ok bool) {
	m := float64(len(totals))
	if m < 2 {
		return pool{}, false
	}
	for _, v := range totals {
		p.sum += v
		p.sumSq += v * v
	}
	p.n = m
	p.observed = pairedSquares(m, p.sum, p.sumSq) / (m - 1)
	return p, true
}

func poolOf(r Ratings) pool {
	var all pool
	for _, totals := range r {
		if u, ok := unitPool(totals); ok {
			all = all.plus(u, 1)
		}
	}
	return all
}

// plus adds u to p, sign times (−1 takes it out).
func (p pool) plus(u pool, sign float64) pool {
	return pool{p.n + sign*u.n, p.sum + sign*u.sum, p.sumSq + sign*u.sumSq, p.observed + sign*u.observed}
}

func (p pool) alpha() (float64, bool) {
	if p.n < 2 {
		return 0, false
	}
	expected := pairedSquares(p.n, p.sum, p.sumSq) / (p.n * (p.n - 1))
	// Totals are multiples of 0.2 no bigger than 100: a D_e this small
	// is rounding of equal totals, not variation.
	if expected < 1e-9 {
		return 0, false
	}
	return 1 - (p.observed/p.n)/expected, true
}

// pairedSquares is Σ_{i≠j} (v_i − v_j)² over k values with sum s and sum
// of squares sq, over ordered pairs.
func pairedSquares(k, s, sq float64) float64 {
	return max(0, 2*(k*sq-s*s))
}

// Drag is how much one application pulls the commission's agreement
// down: alpha with it left out, and the rise over alpha with it in.
type Drag struct {
	Code    string
	Without float64 // alpha with this application left out
	Rise    float64 // Without − alpha: above 0, leaving it out raises alpha
}

// Drags are alpha with each scored application left out in turn, where
// that alpha is defined, the biggest rise first (equal rises by code).
// Those with a rise above 0 are where the members read her most
// differently against how they read the others: staff look at those
// before deciding. alpha is Alpha(r). An application with fewer than two
// totals is not among them: leaving it out changes nothing.
func Drags(r Ratings, alpha float64) []Drag {
	all := poolOf(r)
	var out []Drag
	for code, totals := range r {
		u, ok := unitPool(totals)
		if !ok {
			continue
		}
		if without, ok := all.plus(u, -1).alpha(); ok {
			out = append(out, Drag{Code: code, Without: without, Rise: without - alpha})
		}
	}
	slices.SortFunc(out, func(a, b Drag) int {
		if c := cmp.Compare(b.Rise, a.Rise); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	return out
}

// Agreement is the commission's consistency, as /ranking and the
// workbooks show it.
type Agreement struct {
	Scales  map[int64]Scale
	Alpha   float64
	AlphaOK bool            // alpha is defined (Alpha)
	Without map[string]Drag // by code, where alpha without it is defined
	Drags   []Drag          // the same, biggest rise first
}

// Agree works out the Agreement of the ratings.
func Agree(r Ratings) Agreement {
	a := Agreement{Scales: Scales(r), Without: map[string]Drag{}}
	a.Alpha, a.AlphaOK = Alpha(r)
	if a.AlphaOK {
		a.Drags = Drags(r, a.Alpha)
		for _, d := range a.Drags {
			a.Without[d.Code] = d
		}
	}
	return a
}

// MinRise is the least rise of alpha that makes an application one that
// pulls agreement down: a smaller one does not show in alpha's two
// decimals, and leaving out any one of many applications the members
// agree on moves alpha by that much.
const MinRise = 0.01

// PullingDown are up to n of the applications whose leaving out raises
// alpha by MinRise or more, the biggest rise first.
func (a Agreement) PullingDown(n int) []Drag {
	var out []Drag
	for _, d := range a.Drags {
		if d.Rise >= MinRise && len(out) < n {
			out = append(out, d)
		}
	}
	return out
}
