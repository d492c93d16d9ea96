// Command kafka-smoke proves that the test Kafka broker (scripts/kafka.sh) works with the client
// the generated code uses, franz-go: it creates a topic with 3 partitions through kadm, produces N
// records with an idempotent producer (keys: 10 aggregate ids; each key's records numbered in
// order), consumes them back with a consumer group, and checks every key's count and order, that
// each key stayed on one partition, that the records carry a producer id (idempotence) and that
// the group committed every offset. One line on success; a clear message and exit 1 otherwise.
//
//	KAFKA_BROKERS=127.0.0.1:9092 go run . [-n 100] [-keys 10] [-partitions 3] [-timeout 60s]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	n := flag.Int("n", 100, "records to produce")
	keys := flag.Int("keys", 10, "distinct keys (aggregate ids)")
	partitions := flag.Int("partitions", 3, "partitions of the topic")
	timeout := flag.Duration("timeout", 60*time.Second, "bound on the whole check")
	flag.Parse()

	brokers := os.Getenv("KAFKA_BROKERS")
	if brokers == "" {
		fail(errors.New("KAFKA_BROKERS is not set (host:port[,host:port...])"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, strings.Split(brokers, ","), *n, *keys, int32(*partitions)); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (timeout %s)", err, *timeout)
		}
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "kafka-smoke: FAIL: %v\n", err)
	os.Exit(1)
}

func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }

func run(ctx context.Context, seeds []string, n, keys int, partitions int32) error {
	if n <= 0 || keys <= 0 || partitions <= 0 {
		return errors.New("-n, -keys and -partitions must be positive")
	}
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	topic := "bp-smoke-" + suffix
	group := "bp-smoke-group-" + suffix

	// --- topic -----------------------------------------------------------------------------
	t0 := time.Now()
	admCl, err := kgo.NewClient(kgo.SeedBrokers(seeds...))
	if err != nil {
		return fmt.Errorf("admin client: %w", err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	if _, err := adm.CreateTopic(ctx, partitions, 1, nil, topic); err != nil {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	// The metadata may lag the creation by a moment: ask again until it shows every partition.
	for {
		details, err := adm.ListTopics(ctx, topic)
		if err != nil {
			return fmt.Errorf("list topics: %w", err)
		}
		d, ok := details[topic]
		if ok && d.Err == nil && int32(len(d.Partitions)) == partitions {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topic %s: want %d partitions, metadata says %+v", topic, partitions, d)
		case <-time.After(100 * time.Millisecond):
		}
	}
	createTook := time.Since(t0)

	// --- produce: idempotent (franz-go's default; acks=all), keys interleaved -------------------
	t1 := time.Now()
	prod, err := kgo.NewClient(
		kgo.SeedBrokers(seeds...),
		kgo.DefaultProduceTopic(topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(5*time.Millisecond),
	)
	if err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	defer prod.Close()
	records := make([]*kgo.Record, 0, n)
	for i := range n {
		key := fmt.Sprintf("agg-%02d", i%keys)
		seq := i / keys
		records = append(records, &kgo.Record{Key: []byte(key), Value: []byte(strconv.Itoa(seq))})
	}
	if err := prod.ProduceSync(ctx, records...).FirstErr(); err != nil {
		return fmt.Errorf("produce: %w", err)
	}
	for _, r := range records {
		if r.ProducerID < 0 {
			return fmt.Errorf("produced record %s/%s has no producer id: the producer is not idempotent", r.Key, r.Value)
		}
	}
	produceTook := time.Since(t1)

	// --- consume with a group -------------------------------------------------------------------
	t2 := time.Now()
	cons, err := kgo.NewClient(
		kgo.SeedBrokers(seeds...),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(500*time.Millisecond),
		kgo.DisableAutoCommit(),
	)
	if err != nil {
		return fmt.Errorf("consumer: %w", err)
	}
	defer cons.Close()
	got := make(map[string][]int)         // key -> sequence numbers in consumed order
	onPartition := make(map[string]int32) // key -> its partition
	perPartition := make(map[int32]int)
	total := 0
	for total < n {
		fetches := cons.PollFetches(ctx)
		if fetches.IsClientClosed() {
			return errors.New("consumer closed")
		}
		if ctx.Err() != nil {
			return fmt.Errorf("consumed %d of %d records before the deadline: %w", total, n, ctx.Err())
		}
		var ferr error
		fetches.EachError(func(t string, p int32, err error) {
			ferr = errors.Join(ferr, fmt.Errorf("fetch %s[%d]: %w", t, p, err))
		})
		if ferr != nil {
			return ferr
		}
		var rerr error
		fetches.EachRecord(func(r *kgo.Record) {
			k := string(r.Key)
			seq, err := strconv.Atoi(string(r.Value))
			if err != nil {
				rerr = errors.Join(rerr, fmt.Errorf("record %s at %s[%d]@%d: value %q is not a number", k, r.Topic, r.Partition, r.Offset, r.Value))
				return
			}
			if p, seen := onPartition[k]; seen && p != r.Partition {
				rerr = errors.Join(rerr, fmt.Errorf("key %s on partitions %d and %d", k, p, r.Partition))
			}
			if r.ProducerID < 0 {
				rerr = errors.Join(rerr, fmt.Errorf("consumed record %s/%d has no producer id", k, seq))
			}
			onPartition[k] = r.Partition
			got[k] = append(got[k], seq)
			perPartition[r.Partition]++
			total++
		})
		if rerr != nil {
			return rerr
		}
	}
	if err := cons.CommitUncommittedOffsets(ctx); err != nil {
		return fmt.Errorf("commit offsets: %w", err)
	}
	consumeTook := time.Since(t2)

	// --- checks -----------------------------------------------------------------------------------
	if total != n {
		return fmt.Errorf("consumed %d records, produced %d", total, n)
	}
	if len(got) != keys {
		return fmt.Errorf("consumed %d distinct keys, produced %d", len(got), keys)
	}
	for k, seqs := range got {
		want := n / keys
		if i, _ := strconv.Atoi(strings.TrimPrefix(k, "agg-")); i < n%keys {
			want++
		}
		if len(seqs) != want {
			return fmt.Errorf("key %s: %d records, want %d (%v)", k, len(seqs), want, seqs)
		}
		for i, s := range seqs {
			if s != i {
				return fmt.Errorf("key %s: out of order or duplicated: got %v", k, seqs)
			}
		}
	}
	committed, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		return fmt.Errorf("fetch committed offsets of %s: %w", group, err)
	}
	var sum int64
	var cerr error
	committed.Each(func(o kadm.OffsetResponse) {
		if o.Err != nil {
			cerr = errors.Join(cerr, fmt.Errorf("committed offset %s[%d]: %w", o.Topic, o.Partition, o.Err))
		}
		if o.Topic == topic {
			sum += o.At
		}
	})
	if cerr != nil {
		return cerr
	}
	if sum != int64(n) {
		return fmt.Errorf("group %s committed offsets summing to %d, want %d", group, sum, n)
	}
	// Best effort: the broker is thrown away anyway, but a shared one should stay tidy.
	if _, err := adm.DeleteTopics(ctx, topic); err != nil {
		fmt.Fprintf(os.Stderr, "kafka-smoke: warning: delete topic %s: %v\n", topic, err)
	}

	ps := make([]int32, 0, len(perPartition))
	for p := range perPartition {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	var dist []string
	for _, p := range ps {
		dist = append(dist, fmt.Sprintf("p%d=%d", p, perPartition[p]))
	}
	fmt.Printf("kafka-smoke: ok: %d records, %d keys in order, %d partitions (%s), group offsets committed; create-topic %s, produce %s, consume %s\n",
		n, keys, partitions, strings.Join(dist, " "), ms(createTook), ms(produceTook), ms(consumeTook))
	return nil
}
