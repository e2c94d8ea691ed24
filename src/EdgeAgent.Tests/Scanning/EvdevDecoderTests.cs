using EdgeAgent.Scanning;

namespace EdgeAgent.Tests.Scanning;

public sealed class EvdevDecoderTests
{
    [Fact]
    public void Input_event_is_24_bytes_on_64_bit_linux() => Assert.Equal(IntPtr.Size == 8 ? 24 : 16, EvdevDecoder.EventSize);

    [Fact]
    public void Shifted_keys_become_upper_case_and_symbols_and_enter_ends_the_line()
    {
        var stream = new EvdevEvents().Line("BADGE:4711").Line("wo-2026_x!").ToArray();

        var lines = new EvdevDecoder(64).Push(stream);

        Assert.Equal(["BADGE:4711", "wo-2026_x!"], lines.Select(l => l.Text));
    }

    [Fact]
    public void Right_shift_and_caps_lock_work_like_a_keyboard()
    {
        var stream = new EvdevEvents()
            .Event(EvdevEvents.EvKey, EvdevKeyMap.KeyRightShift, 1).Key(30).Event(EvdevEvents.EvKey, EvdevKeyMap.KeyRightShift, 0).Key(30)
            .Key(EvdevKeyMap.KeyCapsLock).Key(48).Key(2).Key(EvdevKeyMap.KeyCapsLock).Key(48)
            .Key(EvdevKeyMap.KeyKeypadEnter).ToArray();

        Assert.Equal("AaB1b", Assert.Single(new EvdevDecoder(64).Push(stream)).Text);
    }

    [Fact]
    public void Records_split_across_reads_are_reassembled()
    {
        var stream = new EvdevEvents().Line("LOCK-9").ToArray();
        var decoder = new EvdevDecoder(64);

        var lines = stream.Chunk(7).SelectMany(chunk => decoder.Push(chunk)).ToList();

        Assert.Equal("LOCK-9", Assert.Single(lines).Text);
    }

    [Fact]
    public void Unknown_key_rejects_its_line_and_the_next_line_is_fine()
    {
        var stream = new EvdevEvents().Type("AB").Key(59).Type("C").Enter().Line("OK").ToArray();

        var lines = new EvdevDecoder(64).Push(stream);

        Assert.Equal("key code 59 carries no text", lines[0].Rejection);
        Assert.Equal("OK", lines[1].Text);
    }

    [Fact]
    public void Autorepeat_releases_and_other_event_types_add_no_text()
    {
        var stream = new EvdevEvents()
            .Event(EvdevEvents.EvKey, 30, 1).Event(EvdevEvents.EvKey, 30, 2).Event(EvdevEvents.EvKey, 30, 0)
            .Event(3, 0, 1234) // EV_ABS from a confused device
            .Event(EvdevEvents.EvSyn, 0, 0).Enter().ToArray();

        Assert.Equal("a", Assert.Single(new EvdevDecoder(64).Push(stream)).Text);
    }

    [Fact]
    public void Random_garbage_never_throws_and_decoding_recovers_at_the_next_enter()
    {
        var random = new Random(1234);
        var garbage = new byte[EvdevDecoder.EventSize * 500];
        random.NextBytes(garbage);
        var decoder = new EvdevDecoder(32);

        var noise = decoder.Push(garbage);
        var lines = decoder.Push(new EvdevEvents().Enter().Line("BADGE:1").ToArray());

        Assert.All(noise, l => Assert.True(l.IsAccepted || l.Rejection is not null));
        Assert.Equal("BADGE:1", lines[^1].Text);
    }

    [Fact]
    public void Over_long_line_is_rejected()
    {
        var lines = new EvdevDecoder(8).Push(new EvdevEvents().Line("123456789").ToArray());

        Assert.Equal("line of 9 keys is longer than the limit of 8 (Scanning:MaxLineLength)", Assert.Single(lines).Rejection);
    }
}
