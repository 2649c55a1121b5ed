package store

import (
	"fmt"
	"time"
)

// QuestionKind says who answers a question.
type QuestionKind string

// Kinds of questions, and so of queues.
const (
	KindMentor QuestionKind = "mentor" // campaign, programme, community work
	KindLawyer QuestionKind = "lawyer" // nomination, registration, election law
	// KindHelp is "I need help now" on election day: every mentor, lawyer
	// and helper hears of it at once, and it heads every queue.
	KindHelp QuestionKind = "help"
	// KindSchool is a question to the school from someone not yet a
	// participant, during stage I (about the school, the form, the
	// selection): staff answer it. She keeps its thread once accepted.
	KindSchool QuestionKind = "school"
)

// QuestionStatus is where a question is in its queue.
type QuestionStatus string

// Statuses of a question.
const (
	QuestionOpen     QuestionStatus = "open"     // waiting for someone to take it
	QuestionTaken    QuestionStatus = "taken"    // a mentor took it and owes an answer
	QuestionAnswered QuestionStatus = "answered" // the last word was an answer
	QuestionResolved QuestionStatus = "resolved" // she marked it resolved
)

// Media is a photo, document, voice message or video, kept by Telegram's
// file_id: relayed by it, never downloaded or uploaded again.
type Media struct {
	Type   string `json:"type"` // photo, document, voice, video, audio
	FileID string `json:"file_id"`
}

// Post is one message in a question's thread.
type Post struct {
	FromMentor bool      `json:"from_mentor,omitempty"`
	AuthorID   int64     `json:"author_id"`
	Text       string    `json:"text,omitempty"`
	Media      *Media    `json:"media,omitempty"`
	At         time.Time `json:"at"`
}

// Question is a participant's question, or an applicant's question to
// the school, and its thread of answers.
type Question struct {
	ID            int            `json:"id"`
	UserID        int64          `json:"user_id"`
	Kind          QuestionKind   `json:"kind"`
	Language      string         `json:"language"`
	Status        QuestionStatus `json:"status"`
	TakenBy       int64          `json:"taken_by,omitempty"`
	Thread        []Post         `json:"thread"`
	CreatedAt     time.Time      `json:"created_at"`
	TakenAt       time.Time      `json:"taken_at,omitzero"`
	FirstAnswerAt time.Time      `json:"first_answer_at,omitzero"`
	ResolvedAt    time.Time      `json:"resolved_at,omitzero"`
	// AnnouncedAt is when the people of its kind were told of it;
	// ReannouncedAt when it was announced again for waiting too long;
	// ReportedAt when staff were told it still waits.
	AnnouncedAt   time.Time `json:"announced_at,omitzero"`
	ReannouncedAt time.Time `json:"reannounced_at,omitzero"`
	ReportedAt    time.Time `json:"reported_at,omitzero"`
	// FAQ is a mentor's reworded copy being prepared for the FAQ.
	FAQ *FAQEntry `json:"faq,omitempty"`
}

// PutQuestion saves a question; a new one (ID 0) gets the next number.
func (tx *Tx) PutQuestion(q Question) (Question, error) {
	b := tx.tx.Bucket(bucketQuestions)
	if q.ID == 0 {
		seq, err := b.NextSequence()
		if err != nil {
			return q, fmt.Errorf("number a question: %w", err)
		}
		q.ID = int(seq)
	}
	if err := put(b, itob(uint64(q.ID)), q); err != nil {
		return q, fmt.Errorf("save question %d: %w", q.ID, err)
	}
	return q, nil
}

// Question returns question id, or ErrNotFound.
func (tx *Tx) Question(id int) (Question, error) {
	var q Question
	if err := get(tx.tx.Bucket(bucketQuestions), itob(uint64(id)), &q); err != nil {
		return Question{}, fmt.Errorf("question %d: %w", id, err)
	}
	return q, nil
}

// Questions returns every question, oldest first.
func (tx *Tx) Questions() ([]Question, error) { return all[Question](tx, bucketQuestions) }

// FAQEntry is a published question and answer, reworded to name no one.
type FAQEntry struct {
	ID        int       `json:"id"`
	Language  string    `json:"language"` // ky or ru
	Topic     string    `json:"topic"`
	Question  string    `json:"question"`
	Answer    string    `json:"answer"`
	By        int64     `json:"by"`
	From      int       `json:"from,omitempty"` // the question it came from
	UpdatedAt time.Time `json:"updated_at"`
}

// PutFAQ saves an FAQ entry; a new one (ID 0) gets the next number.
func (tx *Tx) PutFAQ(e FAQEntry) (FAQEntry, error) {
	b := tx.tx.Bucket(bucketFAQ)
	if e.ID == 0 {
		seq, err := b.NextSequence()
		if err != nil {
			return e, fmt.Errorf("number an FAQ entry: %w", err)
		}
		e.ID = int(seq)
	}
	if err := put(b, itob(uint64(e.ID)), e); err != nil {
		return e, fmt.Errorf("save FAQ entry %d: %w", e.ID, err)
	}
	return e, nil
}

// FAQ returns entry id, or ErrNotFound.
func (tx *Tx) FAQ(id int) (FAQEntry, error) {
	var e FAQEntry
	if err := get(tx.tx.Bucket(bucketFAQ), itob(uint64(id)), &e); err != nil {
		return FAQEntry{}, fmt.Errorf("FAQ entry %d: %w", id, err)
	}
	return e, nil
}

// DeleteFAQ removes an entry.
func (tx *Tx) DeleteFAQ(id int) error { return tx.tx.Bucket(bucketFAQ).Delete(itob(uint64(id))) }

// FAQs returns every entry, by ID.
func (tx *Tx) FAQs() ([]FAQEntry, error) { return all[FAQEntry](tx, bucketFAQ) }
