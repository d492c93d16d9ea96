// Command gin-hello is the baseline for the benchmarks (a bare Gin JSON hello world) and the
// target of the harness self-test of scripts/sigterm_check.py (a handler that reads a request body,
// readiness that flips to 503 while draining, graceful shutdown on SIGTERM).
//
// With DATABASE_URL set it is also the POST baseline: POST /items inserts {"name": …} into a
// table of its own through pgxpool with pgx's default pool (max(4, NumCPU) connections), the
// way a hand-written Gin service starts out.
//
// Environment: HTTP_ADDR (default 127.0.0.1:8080), SHUTDOWN_DRAIN_DELAY (default 0s),
// UNGRACEFUL=1 exits at once on SIGTERM without draining (to prove the checker catches it),
// DATABASE_URL (optional).
package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	if err := run(); err != nil {
		slog.Error("gin-hello", "err", err)
		os.Exit(1)
	}
}

func run() error {
	addr := os.Getenv("HTTP_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	drain := time.Duration(0)
	if v := os.Getenv("SHUTDOWN_DRAIN_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		drain = d
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())

	var draining atomic.Bool
	r.GET("/hello", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"message": "hello"})
	})
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", func(c *gin.Context) {
		if draining.Load() {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "draining"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	})
	r.POST("/echo", func(c *gin.Context) {
		var body map[string]any
		if err := c.ShouldBindJSON(&body); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, body)
	})

	if url := os.Getenv("DATABASE_URL"); url != "" {
		pool, err := pgxpool.New(context.Background(), url) // default pool size on purpose
		if err != nil {
			return err
		}
		defer pool.Close()
		if _, err := pool.Exec(context.Background(), `CREATE TABLE IF NOT EXISTS baseline_items (
			id uuid PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL)`); err != nil {
			return err
		}
		r.POST("/items", func(c *gin.Context) {
			var in struct {
				Name string `json:"name" binding:"required"`
			}
			if err := c.ShouldBindJSON(&in); err != nil {
				c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
				return
			}
			id, err := uuid.NewV7()
			if err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": "id"})
				return
			}
			now := time.Now().UTC()
			if _, err := pool.Exec(c.Request.Context(),
				`INSERT INTO baseline_items (id, name, created_at) VALUES ($1, $2, $3)`, id, in.Name, now); err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": "insert"})
				return
			}
			c.JSON(http.StatusCreated, gin.H{"id": id, "name": in.Name, "created_at": now})
		})
	}

	srv := &http.Server{
		Addr:              addr,
		Handler:           r,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if os.Getenv("UNGRACEFUL") == "1" {
		return srv.Close()
	}
	draining.Store(true)
	time.Sleep(drain)
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
