package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// load is the traced program: an HTTP server on loopback, its clients, a pool
// of workers the server hands work to, an allocator that keeps the garbage
// collector busy, and a collector that forces GCs and changes GOMAXPROCS.
// Every loop ends by itself once stop is called or the deadline has passed.
type load struct {
	srv      *http.Server
	url      string
	client   *http.Client
	clients  int
	deadline time.Time
	quit     chan struct{}
	wg       sync.WaitGroup
	requests atomic.Int64

	mu   sync.Mutex // contended by every request
	hits map[int]int
	jobs chan job
}

// job is work the server hands to the pool, with the channel to answer on.
type job struct {
	id    int
	reply chan []int
}

// maxLoad bounds how long the load runs whatever happens to the tracing.
const maxLoad = 2 * time.Hour

// startLoad starts the server on 127.0.0.1 and prepares the clients.
func startLoad(clients int) (*load, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &load{
		url:      "http://" + ln.Addr().String(),
		clients:  clients,
		deadline: time.Now().Add(maxLoad),
		quit:     make(chan struct{}),
		hits:     make(map[int]int),
		jobs:     make(chan job),
	}
	l.client = &http.Client{Transport: &http.Transport{
		Proxy:               nil,
		MaxIdleConnsPerHost: clients,
		DisableCompression:  true,
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("/item/", l.serveItem)
	l.srv = &http.Server{Handler: mux}
	go l.srv.Serve(ln)
	return l, nil
}

// run starts every goroutine of the load.
func (l *load) run() {
	l.spawn(l.collector)
	l.spawn(l.allocator)
	for i := 0; i < 4; i++ {
		l.spawn(l.worker)
	}
	for i := 0; i < l.clients; i++ {
		seed := uint64(i)
		l.spawn(func() { l.clientLoop(seed) })
	}
}

// spawn runs f in a goroutine that stop waits for.
func (l *load) spawn(f func()) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		f()
	}()
}

// stop ends the load and waits for every goroutine of it.
func (l *load) stop() {
	close(l.quit)
	l.wg.Wait()
	l.client.CloseIdleConnections()
	l.srv.Close()
}

// live reports whether the load should go on.
func (l *load) live() bool {
	select {
	case <-l.quit:
		return false
	default:
		return time.Now().Before(l.deadline)
	}
}

// clientLoop sends requests in tasks of a few each, each request in a region,
// with short pauses between them, until the load ends.
func (l *load) clientLoop(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	for l.live() {
		ctx, task := trace.NewTask(context.Background(), "session")
		for i := 0; i < 8 && l.live(); i++ {
			id := rng.IntN(1000)
			trace.WithRegion(ctx, "request", func() { l.request(ctx, id, rng.IntN(4) == 0) })
			if rng.IntN(8) == 0 {
				time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond)
			}
		}
		task.End()
	}
}

// request fetches one item, or posts to it, and reads the whole answer.
func (l *load) request(ctx context.Context, id int, post bool) {
	url := l.url + "/item/" + strconv.Itoa(id)
	var resp *http.Response
	var err error
	if post {
		resp, err = l.client.Post(url, "text/plain", strings.NewReader(strings.Repeat("x", 1+id)))
	} else {
		resp, err = l.client.Get(url)
	}
	if err != nil {
		trace.Log(ctx, "error", err.Error())
		return
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	l.requests.Add(1)
	trace.Logf(ctx, "response", "%d %d bytes", resp.StatusCode, n)
}

// serveItem counts the hit under the shared lock, asks the pool for the
// item's numbers over a channel, and answers them as JSON.
func (l *load) serveItem(w http.ResponseWriter, r *http.Request) {
	ctx, task := trace.NewTask(r.Context(), "serve")
	defer task.End()
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/item/"))
	if err != nil {
		http.Error(w, "bad item", http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodPost {
		io.Copy(io.Discard, r.Body)
	}
	var hits int
	trace.WithRegion(ctx, "count", func() {
		l.mu.Lock()
		l.hits[id]++
		hits = l.hits[id]
		l.mu.Unlock()
	})
	reply := make(chan []int, 1)
	select {
	case l.jobs <- job{id, reply}:
	case <-l.quit:
		http.Error(w, "stopping", http.StatusServiceUnavailable)
		return
	}
	nums := <-reply
	trace.Log(ctx, "item", strconv.Itoa(id))
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": id, "hits": hits, "nums": nums})
}

// worker answers jobs with a slice of numbers that depends on the item.
func (l *load) worker() {
	for {
		select {
		case j := <-l.jobs:
			nums := make([]int, 16+j.id%64)
			for i := range nums {
				nums[i] = (j.id * (i + 7)) % 1009
			}
			j.reply <- nums
		case <-l.quit:
			return
		}
	}
}

// allocator keeps a ring of live buffers and replaces them quickly, so that
// the heap stays small and the garbage collector runs often.
func (l *load) allocator() {
	var ring [64][]byte
	for i := 0; l.live(); i++ {
		ring[i%len(ring)] = make([]byte, 4<<10+i%4096)
		if i%64 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

// collector forces a GC every 200 ms and changes GOMAXPROCS every second,
// putting it back when the load ends.
func (l *load) collector() {
	procs := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(procs)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for n := 1; l.live(); n++ {
		select {
		case <-tick.C:
		case <-l.quit:
			return
		}
		trace.WithRegion(context.Background(), "forced-gc", runtime.GC)
		if n%5 == 0 {
			p := procs
			if n%10 == 5 {
				p = max(1, procs/2)
			}
			trace.Log(context.Background(), "gomaxprocs", fmt.Sprint(p))
			runtime.GOMAXPROCS(p)
		}
	}
}
