// Command otlp-receiver is the test suite's OTLP/HTTP trace receiver: it accepts
// POST /v1/traces (protobuf, optionally gzip) and appends one JSON line per span to a file,
// so that scripts/check-generated.sh can check the traces a running service exports without
// downloading a collector.
//
//	otlp-receiver -addr 127.0.0.1:0 -out spans.jsonl   # prints "listening on HOST:PORT"
package main

import (
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	common "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/proto"
)

type span struct {
	TraceID string            `json:"trace_id"`
	SpanID  string            `json:"span_id"`
	Parent  string            `json:"parent,omitempty"`
	Name    string            `json:"name"`
	Kind    string            `json:"kind"`
	Scope   string            `json:"scope"`
	Service string            `json:"service"`
	Attrs   map[string]string `json:"attrs"`
}

// str is an attribute value as text (arrays and maps in Go syntax: only compared as text).
func str(v *common.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *common.AnyValue_StringValue:
		return x.StringValue
	case *common.AnyValue_IntValue:
		return fmt.Sprint(x.IntValue)
	case *common.AnyValue_BoolValue:
		return fmt.Sprint(x.BoolValue)
	case *common.AnyValue_DoubleValue:
		return fmt.Sprint(x.DoubleValue)
	default:
		return fmt.Sprint(v.GetValue())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	out := flag.String("out", "spans.jsonl", "file the spans are appended to")
	flag.Parse()
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	var mu sync.Mutex
	enc := json.NewEncoder(f)
	http.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = gz
		}
		raw, err := io.ReadAll(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req coltrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(raw, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		for _, rs := range req.GetResourceSpans() {
			service := ""
			for _, a := range rs.GetResource().GetAttributes() {
				if a.GetKey() == "service.name" {
					service = a.GetValue().GetStringValue()
				}
			}
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					attrs := map[string]string{}
					for _, a := range s.GetAttributes() {
						attrs[a.GetKey()] = str(a.GetValue())
					}
					_ = enc.Encode(span{
						TraceID: hex.EncodeToString(s.GetTraceId()),
						SpanID:  hex.EncodeToString(s.GetSpanId()),
						Parent:  hex.EncodeToString(s.GetParentSpanId()),
						Name:    s.GetName(),
						Kind:    s.GetKind().String(),
						Scope:   ss.GetScope().GetName(),
						Service: service,
						Attrs:   attrs,
					})
				}
			}
		}
		mu.Unlock()
		resp, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(resp)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
