using EdgeAgent.Scanning;

namespace EdgeAgent.Tests.Scanning;

public sealed class ScanLineAssemblerTests
{
    private static List<ScanLine> Push(ScanLineAssembler assembler, params byte[][] chunks) => [.. chunks.SelectMany(c => assembler.Push(c))];

    [Fact]
    public void Lines_split_across_reads_are_assembled()
    {
        var assembler = new ScanLineAssembler("cr", 64);

        var lines = Push(assembler, "BADGE:"u8.ToArray(), "1234\rLOCK"u8.ToArray(), "-7\r"u8.ToArray());

        Assert.Equal(["BADGE:1234", "LOCK-7"], lines.Select(l => l.Text));
        Assert.Equal(0, assembler.Pending);
    }

    [Theory]
    [InlineData("crlf", "WO-1\r\nWO-2\r\n")]
    [InlineData("lf", "WO-1\nWO-2\n")]
    [InlineData("cr", "WO-1\r\nWO-2\r\n")] // the LF after a CR is an empty line, skipped
    public void Each_terminator_ends_lines(string terminator, string input)
    {
        var lines = new ScanLineAssembler(terminator, 64).Push(System.Text.Encoding.ASCII.GetBytes(input));

        Assert.Equal(["WO-1", "WO-2"], lines.Select(l => l.Text));
    }

    [Fact]
    public void Control_bytes_reject_the_line_with_the_byte_and_position()
    {
        var lines = new ScanLineAssembler("cr", 64).Push("AB\u0007C\rOK\r"u8);

        Assert.Equal("control byte 0x07 at position 2", lines[0].Rejection);
        Assert.Equal("OK", lines[1].Text);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_and_valid_utf8_accepted()
    {
        var lines = new ScanLineAssembler("cr", 64).Push([0x41, 0xC3, 0x28, 0x0D, .. "Zoë-锁\r"u8]);

        Assert.Equal("invalid UTF-8 at byte 1", lines[0].Rejection);
        Assert.Equal("Zoë-锁", lines[1].Text);
    }

    [Fact]
    public void Over_long_line_is_rejected_without_holding_it_in_memory_and_the_next_line_is_fine()
    {
        var assembler = new ScanLineAssembler("cr", 16);
        var flood = Enumerable.Repeat((byte)'A', 100_000).ToArray();

        Assert.Empty(assembler.Push(flood));
        Assert.True(assembler.Pending == 100_000);
        var lines = assembler.Push("\rBADGE:1\r"u8);

        Assert.Equal("line of 100000 bytes is longer than the limit of 16 (Scanning:MaxLineLength)", lines[0].Rejection);
        Assert.Equal("BADGE:1", lines[1].Text);
    }

    [Fact]
    public void Crlf_does_not_count_the_cr_of_an_over_long_line()
    {
        var lines = new ScanLineAssembler("crlf", 4).Push("12345\r\n1234\r\n"u8);

        Assert.Equal("line of 5 bytes is longer than the limit of 4 (Scanning:MaxLineLength)", lines[0].Rejection);
        Assert.Equal("1234", lines[1].Text);
    }

    [Fact]
    public void Reset_discards_a_half_received_line()
    {
        var assembler = new ScanLineAssembler("cr", 64);
        assembler.Push("BAD"u8);

        Assert.Equal(3, assembler.Reset());
        Assert.Equal("GE:9", Assert.Single(assembler.Push("GE:9\r"u8)).Text);
    }
}
