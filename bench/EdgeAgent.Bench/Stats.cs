using System.Globalization;

namespace EdgeAgent.Bench;

public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }

    /// <summary>The middle run by <paramref name="rate"/> (the upper middle of an even count).</summary>
    public static T Median<T>(IReadOnlyCollection<T> runs, Func<T, double> rate) => runs.OrderBy(rate).ElementAt(runs.Count / 2);

    public static string F(double value, string format = "0.0") => double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>baseline / ours; below 0.1 with the digits that matter (a 50 ms debounce against a microsecond callback).</summary>
    public static string Ratio(double baseline, double ours) => ours == 0 || double.IsNaN(ours) || double.IsNaN(baseline)
        ? "n/a"
        : (baseline / ours).ToString(baseline / ours < 0.1 ? "0.0#######" : "0.0", CultureInfo.InvariantCulture) + "x";
}
