package store

import (
	"bytes"
	"fmt"
	"time"
)

// PersonalData is everything the bot holds about one person, for /mydata.
type PersonalData struct {
	User        User           `json:"user"`
	Draft       *Application   `json:"draft,omitempty"`
	Application *Application   `json:"application,omitempty"`
	Questions   []Question     `json:"questions,omitempty"`
	Candidacy   *Candidacy     `json:"candidacy,omitempty"`
	Reports     []ResultReport `json:"election_reports,omitempty"`
	Violations  []Violation    `json:"violation_reports,omitempty"`
	Answers     []RSVP         `json:"event_answers,omitempty"`
}

// PersonalData gathers what the store holds about userID.
func (tx *Tx) PersonalData(userID int64) (PersonalData, error) {
	var pd PersonalData
	var err error
	if pd.User, err = tx.User(userID); err != nil {
		return pd, err
	}
	if d, err := tx.Draft(userID); err == nil {
		pd.Draft = &d
	}
	if a, err := tx.ApplicationOf(userID); err == nil {
		pd.Application = &a
	}
	if c, err := tx.Candidacy(userID); err == nil {
		pd.Candidacy = &c
	}
	qs, err := tx.Questions()
	if err != nil {
		return pd, err
	}
	for _, q := range qs {
		if q.UserID == userID {
			pd.Questions = append(pd.Questions, q)
		}
	}
	if pd.Reports, err = tx.Reports(userID); err != nil {
		return pd, err
	}
	vs, err := tx.Violations()
	if err != nil {
		return pd, err
	}
	for _, v := range vs {
		if v.UserID == userID {
			pd.Violations = append(pd.Violations, v)
		}
	}
	pd.Answers, err = tx.rsvpsOf(userID)
	return pd, err
}

func (tx *Tx) rsvpsOf(userID int64) ([]RSVP, error) {
	var out []RSVP
	suffix := []byte(fmt.Sprintf("|%d", userID))
	err := tx.tx.Bucket(bucketRSVP).ForEach(func(k, v []byte) error {
		if !bytes.HasSuffix(k, suffix) {
			return nil
		}
		var r RSVP
		if err := unmarshal(v, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// Forget erases a person's personal data: her name, her application's
// answers, what she wrote in questions, comments and reports, her
// candidacy's details and her protocol photos. What statistics need stays,
// under her code or ID only: the application's code, category and status,
// scores, vote counts, and the timing of her questions. It returns her
// application's code, if she had one.
func (tx *Tx) Forget(userID int64, at time.Time) (string, error) {
	u, err := tx.User(userID)
	if err != nil {
		return "", err
	}
	lang := u.Language
	u = User{ID: userID, Language: lang, CreatedAt: u.CreatedAt, ForgottenAt: at}
	if err := tx.PutUser(u); err != nil {
		return "", err
	}
	if err := tx.tx.Bucket(bucketDrafts).Delete(idKey(userID)); err != nil {
		return "", err
	}
	// A dialogue's answers and the essay she was writing go too; the
	// question count stays, so an old button is still told from a new one.
	if c, err := tx.Conversation(userID); err != nil {
		return "", err
	} else if err := tx.PutConversation(Conversation{UserID: userID, Asked: c.Asked, Updated: at}); err != nil {
		return "", err
	}
	code := ""
	if a, err := tx.ApplicationOf(userID); err == nil {
		code = a.Code
		a.Answers, a.Masked, a.Pending = map[string]string{}, nil, ""
		if err := tx.PutApplication(a); err != nil {
			return "", err
		}
	}
	if err := tx.forgetPosts(userID); err != nil {
		return "", err
	}
	if c, err := tx.Candidacy(userID); err == nil {
		c = Candidacy{UserID: userID, Registered: c.Registered, Oblast: c.Oblast, UpdatedAt: at}
		if err := tx.PutCandidacy(c); err != nil {
			return "", err
		}
	}
	reports, err := tx.Reports(userID)
	if err != nil {
		return "", err
	}
	for _, r := range reports {
		r.PhotoFileID = ""
		if err := put(tx.tx.Bucket(bucketReports), reportKey(userID, r.Version), r); err != nil {
			return "", err
		}
	}
	if err := tx.forgetViolationsAndComments(userID); err != nil {
		return "", err
	}
	return code, tx.dropOutgoing(userID, Dropped)
}

// forgetPosts blanks the threads of her questions: her words, and the
// answers written to her.
func (tx *Tx) forgetPosts(userID int64) error {
	qs, err := tx.Questions()
	if err != nil {
		return err
	}
	for _, q := range qs {
		if q.UserID != userID {
			continue
		}
		for i := range q.Thread {
			q.Thread[i].Text, q.Thread[i].Media = "", nil
		}
		q.FAQ = nil
		if _, err := tx.PutQuestion(q); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) forgetViolationsAndComments(userID int64) error {
	vs, err := tx.Violations()
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.UserID == userID {
			v.What, v.Where, v.Media = "", "", nil
			if _, err := tx.PutViolation(v); err != nil {
				return err
			}
		}
	}
	rs, err := tx.rsvpsOf(userID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		r.Comment = ""
		if err := tx.PutRSVP(r); err != nil {
			return err
		}
	}
	return nil
}
