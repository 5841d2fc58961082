// Command syscall writes an execution trace (to the file named by its
// argument) of system calls: file writes and reads, a pipe read that blocks,
// and a network round trip over the loopback interface, which blocks in the
// network poller.
package main

import (
	"io"
	"net"
	"os"
	"runtime/trace"
	"time"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()

	tmp, err := os.CreateTemp("", "gotrace-syscall")
	if err != nil {
		panic(err)
	}
	defer os.Remove(tmp.Name())
	for i := 0; i < 20; i++ {
		tmp.Write([]byte("some bytes to write\n"))
	}
	tmp.Seek(0, 0)
	io.ReadAll(tmp)
	tmp.Close()

	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	go func() {
		time.Sleep(2 * time.Millisecond)
		w.Write([]byte("x"))
		w.Close()
	}()
	buf := make([]byte, 1)
	r.Read(buf)
	r.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	c.Write([]byte("ping"))
	io.ReadFull(c, make([]byte, 4))
	c.Close()
	ln.Close()
}
