// Command gen writes a Go execution trace of a requested size, for measuring
// how a trace reader's time and memory grow with the trace.
//
// It traces a loaded HTTP server and its clients on loopback, with garbage
// collections, timers, contention and user tasks, regions and logs (load.go),
// and stops tracing once the trace written so far reaches the requested size.
// The file ends up slightly larger: the runtime flushes what it holds on Stop.
//
//	gen -o OUT -size 64M [-clients 16] [-timeout 30m]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/trace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	out := flag.String("o", "", "the trace file to write")
	sizeFlag := flag.String("size", "64M", "stop tracing once the trace has this many bytes (suffix K, M or G: powers of 1024)")
	clients := flag.Int("clients", 16, "how many HTTP clients run at once")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up if the trace has not reached its size by then")
	flag.Parse()
	size, err := parseSize(*sizeFlag)
	if err != nil || *out == "" || *clients < 1 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -o OUT -size N[K|M|G] [-clients N] [-timeout D]")
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
		}
		os.Exit(2)
	}
	if err := run(*out, size, *clients, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// parseSize reads a byte count such as 1048576, 64M or 1G; the suffixes are
// binary because trace sizes are compared with file sizes.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// countingWriter passes the trace to the file and counts its bytes, so that the
// size can be watched while the runtime is still writing.
type countingWriter struct {
	w io.Writer
	n atomic.Int64
}

// Write writes p and counts it.
func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// run traces the load until the trace reaches size bytes, then stops the load
// and waits for it to end, so that the process exits cleanly.
func run(out string, size int64, clients int, timeout time.Duration) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<20)
	cw := &countingWriter{w: buf}

	l, err := startLoad(clients)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := trace.Start(cw); err != nil {
		l.stop()
		return err
	}
	l.run()
	reached := waitForSize(cw, size, timeout)
	trace.Stop()
	l.stop()
	if err := buf.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if !reached {
		return fmt.Errorf("the trace had %d of %d bytes after %v", cw.n.Load(), size, timeout)
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d bytes in %.1fs, %d requests\n", out, cw.n.Load(), time.Since(start).Seconds(), l.requests.Load())
	return nil
}

// waitForSize polls the bytes written until there are size of them, or until
// timeout has passed, and reports whether the size was reached.
func waitForSize(cw *countingWriter, size int64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if cw.n.Load() >= size {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
	return false
}
