// Command events-verify checks what the relay published against what was committed: it reads
// every event of the outbox table (DATABASE_URL) and every message of their topics on the
// broker (KAFKA_BROKERS, from the start of each partition up to its end offset), and checks
// that every committed event is on the broker (by event id), that nothing else is, and that
// each aggregate's events arrive in version order (a re-published event may repeat, as at
// least once allows, but never overtake). Prints one JSON line of figures; exit 1 on a failure.
//
//	DATABASE_URL=… KAFKA_BROKERS=… go run . [-timeout 120s]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

type committed struct {
	topic   string
	agg     string
	version int64
}

type report struct {
	Committed      int      `json:"committed"`
	Topics         int      `json:"topics"`
	Messages       int      `json:"messages"`
	Found          int      `json:"found"`
	Missing        int      `json:"missing"`
	Unknown        int      `json:"unknown"`
	Duplicates     int      `json:"duplicates"`
	Aggregates     int      `json:"aggregates"`
	OutOfOrder     int      `json:"out_of_order"`
	Unpublished    int      `json:"unpublished"`
	DeadLettered   int      `json:"dead_lettered"`
	Problems       []string `json:"problems,omitempty"`
	ConsumeSeconds float64  `json:"consume_seconds"`
}

func main() {
	timeout := flag.Duration("timeout", 120*time.Second, "bound on the whole check")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	r, err := run(ctx, os.Getenv("DATABASE_URL"), strings.Split(os.Getenv("KAFKA_BROKERS"), ","))
	if err != nil {
		fmt.Fprintln(os.Stderr, "events-verify: FAIL:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
	if len(r.Problems) > 0 {
		os.Exit(1)
	}
}

func run(ctx context.Context, dbURL string, brokers []string) (*report, error) {
	if dbURL == "" || len(brokers) == 0 || brokers[0] == "" {
		return nil, errors.New("DATABASE_URL and KAFKA_BROKERS must be set")
	}
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer func() { _ = db.Close(context.Background()) }()
	want := map[string]committed{}
	topics := map[string]bool{}
	r := &report{}
	rows, err := db.Query(ctx, `SELECT id::text, topic, aggregate_id::text, aggregate_version, published_at IS NULL, dead_lettered_at IS NOT NULL FROM outbox ORDER BY position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var c committed
		var unpublished, dead bool
		if err := rows.Scan(&id, &c.topic, &c.agg, &c.version, &unpublished, &dead); err != nil {
			return nil, err
		}
		want[id] = c
		topics[c.topic] = true
		if unpublished {
			r.Unpublished++
		}
		if dead {
			r.DeadLettered++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.Committed = len(want)
	r.Topics = len(topics)

	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	names := make([]string, 0, len(topics))
	for t := range topics {
		names = append(names, t)
	}
	ends, err := adm.ListEndOffsets(ctx, names...)
	if err != nil {
		return nil, fmt.Errorf("end offsets: %w", err)
	}
	parts := map[string]map[int32]kgo.Offset{}
	remaining := map[string]map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset <= 0 {
			return
		}
		if parts[o.Topic] == nil {
			parts[o.Topic] = map[int32]kgo.Offset{}
			remaining[o.Topic] = map[int32]int64{}
		}
		parts[o.Topic][o.Partition] = kgo.NewOffset().AtStart()
		remaining[o.Topic][o.Partition] = o.Offset
	})
	if err := ends.Error(); err != nil {
		return nil, fmt.Errorf("end offsets: %w", err)
	}
	cons, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumePartitions(parts))
	if err != nil {
		return nil, err
	}
	defer cons.Close()

	t0 := time.Now()
	seen := map[string]int{}
	last := map[string]int64{} // aggregate → highest version seen
	left := 0
	for _, ps := range remaining {
		left += len(ps)
	}
	for left > 0 {
		fetches := cons.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("consumed %d messages, %d partitions not read to their end: %w", r.Messages, left, ctx.Err())
		}
		var ferr error
		fetches.EachError(func(t string, p int32, err error) { ferr = fmt.Errorf("fetch %s/%d: %w", t, p, err) })
		if ferr != nil {
			return nil, ferr
		}
		fetches.EachRecord(func(rec *kgo.Record) {
			end := remaining[rec.Topic][rec.Partition]
			if rec.Offset >= end {
				return
			}
			r.Messages++
			id, version := header(rec, "event-id"), header(rec, "aggregate-version")
			v, _ := strconv.ParseInt(version, 10, 64)
			agg := string(rec.Key)
			c, ok := want[id]
			switch {
			case !ok:
				r.Unknown++
				r.problem("message %s/%d@%d: event %q is not in the outbox", rec.Topic, rec.Partition, rec.Offset, id)
			case c.agg != agg || c.version != v || c.topic != rec.Topic:
				r.problem("event %s: on the broker as %s v%d in %s, committed as %s v%d in %s", id, agg, v, rec.Topic, c.agg, c.version, c.topic)
			}
			seen[id]++
			if seen[id] > 1 {
				r.Duplicates++
			} else if v <= last[agg] {
				// A first delivery must come after every version seen of its aggregate.
				r.OutOfOrder++
				r.problem("aggregate %s: version %d first arrived after version %d", agg, v, last[agg])
			}
			last[agg] = max(last[agg], v)
			if rec.Offset == end-1 {
				left--
			}
		})
	}
	r.ConsumeSeconds = time.Since(t0).Seconds()
	r.Aggregates = len(last)
	for id, c := range want {
		if seen[id] > 0 {
			r.Found++
		} else {
			r.Missing++
			if r.Missing <= 5 {
				r.problem("committed event %s (%s v%d) is not on the broker", id, c.agg, c.version)
			}
		}
	}
	if r.Unpublished > 0 {
		r.problem("%d outbox rows are still unpublished", r.Unpublished)
	}
	return r, nil
}

func (r *report) problem(format string, args ...any) {
	if len(r.Problems) < 20 {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

func header(rec *kgo.Record, key string) string {
	for _, h := range rec.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
