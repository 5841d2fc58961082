// Command sched writes an execution trace (to the file named by its argument)
// of scheduling: goroutines that block on channels, mutexes, condition
// variables, select and sleep, yield, and a GOMAXPROCS change, with CPU
// profiling on so that Go 1.19 and later record CPU samples.
package main

import (
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		panic(err)
	}
	defer pprof.StopCPUProfile()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()

	var wg sync.WaitGroup
	ch := make(chan int)
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := false
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				select {
				case ch <- i*100 + j:
				case <-time.After(time.Millisecond):
				}
				runtime.Gosched()
			}
			mu.Lock()
			for !ready {
				cond.Wait()
			}
			mu.Unlock()
		}(i)
	}
	go func() {
		for range ch {
			time.Sleep(10 * time.Microsecond)
		}
	}()
	spin(20 * time.Millisecond)
	old := runtime.GOMAXPROCS(1)
	spin(5 * time.Millisecond)
	runtime.GOMAXPROCS(old)
	time.Sleep(5 * time.Millisecond)
	mu.Lock()
	ready = true
	cond.Broadcast()
	mu.Unlock()
	wg.Wait()
	close(ch)
}

// spin keeps a CPU busy for d, for the CPU profiler to sample.
func spin(d time.Duration) {
	end := time.Now().Add(d)
	x := 0
	for time.Now().Before(end) {
		for i := 0; i < 1000; i++ {
			x += i * i
		}
	}
	if x == 42 {
		println(x)
	}
}
