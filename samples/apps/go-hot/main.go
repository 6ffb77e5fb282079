// toe-go-hot: a Go sample target for TOE's go profiler. A worker spends its CPU in toeGoHotLoop, called through
// toeGoWork, and keeps a known amount of memory live through toeGoRetain, so a CPU profile must name the first two
// and a heap profile the third. It serves net/http/pprof on 127.0.0.1:6060 only (the pod's loopback, as apps
// usually do) and "ok" on :8080, and exits on SIGTERM.
//
// Usage: toe-go-hot [busy%] (default 30: the worker sleeps 70% of the time).
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

var sink uint64

// retained is what toeGoRetain allocated; the heap profile attributes it to toeGoRetain.
var retained [][]byte

//go:noinline
func toeGoHotLoop(n int) uint64 {
	var x uint64
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + uint64(i)
	}
	return x
}

//go:noinline
func toeGoWork() { sink += toeGoHotLoop(5_000_000) }

//go:noinline
func toeGoRetain(blocks, size int) {
	for i := 0; i < blocks; i++ {
		retained = append(retained, make([]byte, size))
	}
}

func busyPercent() int {
	if len(os.Args) < 2 {
		return 30
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 1 || n > 100 {
		return 30
	}
	return n
}

func main() {
	busy := busyPercent()
	toeGoRetain(64, 256<<10)
	go func() {
		for {
			t0 := time.Now()
			toeGoWork()
			if busy < 100 {
				time.Sleep(time.Since(t0) * time.Duration(100-busy) / time.Duration(busy))
			}
		}
	}()
	go func() {
		// pprof's handlers are on http.DefaultServeMux; only the loopback listener serves them.
		log.Println(http.ListenAndServe("127.0.0.1:6060", nil))
	}()
	app := http.NewServeMux()
	app.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	server := &http.Server{Addr: ":8080", Handler: app, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
}
