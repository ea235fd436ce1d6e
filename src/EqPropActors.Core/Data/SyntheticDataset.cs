using MathNet.Numerics.Random;

namespace EqPropActors.Core.Data;

/// <summary>
/// A built-in stand-in for MNIST-like data, generated in code so that the simulator runs with nothing
/// downloaded: 28×28 grey images of 10 classes. The same seed gives byte-identical data.
/// <para>Recipe:</para>
/// <list type="number">
/// <item>A master Xoshiro256** generator (MathNet.Numerics, fully specified, unlike System.Random)
/// seeded with the seed draws three seeds: strokes, training samples, test samples, so the test set
/// does not change with the training-set size.</item>
/// <item>A pool of 8 straight strokes, 8–16 px long, with endpoints in the central 18×18 area.</item>
/// <item>Each class is a distinct set of 3 strokes from the pool, so classes share strokes and
/// differ only in part of the picture.</item>
/// <item>Sample i has label i mod 10, so the classes are balanced (exactly, for a multiple of 10) and
/// any prefix kept by <see cref="Dataset.Take"/> stays balanced. It shows its class's strokes, each
/// dropped with probability 0.1, each endpoint moved by up to ±1.5 px, each with brightness 0.6–1,
/// all shifted together by up to ±2 px; with probability 0.5 one stray stroke anywhere; then uniform
/// noise of up to 0.15 per pixel. Dropped strokes make some samples truly ambiguous, so no model
/// reaches zero error; shifts, jitter and stray strokes keep a linear template from being enough.
/// Measured with the defaults: nearest class mean gets 62% of the test set right; a 784-500-10
/// sigmoid network trained by plain SGD has 23% test error after 2–5 epochs.</item>
/// <item>A stroke's brightness at distance d from its segment is (1 − d²/r²)² for d &lt; r = 1.6 px,
/// a smooth pen; overlapping strokes take the maximum. Values are clamped to [0, 1] and rounded to
/// 8 bits like real IDX images.</item>
/// </list>
/// Only +, −, ×, ÷ and comparisons are applied to doubles (no Math.Exp or Math.Sin, whose last bit
/// may differ between platforms and runtimes), so the bytes do not depend on the .NET version.
/// </summary>
public static class SyntheticDataset
{
    public const string Name = "synthetic";
    public const int ImageSide = 28;
    public const int FeatureCount = ImageSide * ImageSide;
    public const int ClassCount = 10;
    public const int DefaultTrainCount = 10_000;
    public const int DefaultTestCount = 2_000;
    public const int DefaultSeed = 20_260_101;

    private const int StrokePoolSize = 8;
    private const int StrokesPerClass = 3;
    private const double StrokeDropProbability = 0.1;
    private const double EndpointJitter = 1.5;
    private const double MaxShift = 2;
    private const double StrayStrokeProbability = 0.5;
    private const double NoiseAmplitude = 0.15;
    private const double PenRadius = 1.6;

    public static DataSplit Generate(int trainCount = DefaultTrainCount, int testCount = DefaultTestCount, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(testCount, 1);

        var master = new Xoshiro256StarStar(seed, threadSafe: false);
        var strokesSeed = master.Next();
        var trainSeed = master.Next();
        var testSeed = master.Next();

        var classStrokes = DesignClasses(new Xoshiro256StarStar(strokesSeed, threadSafe: false));
        return new DataSplit(
            GenerateSet($"{Name} train", trainCount, classStrokes, new Xoshiro256StarStar(trainSeed, threadSafe: false)),
            GenerateSet($"{Name} test", testCount, classStrokes, new Xoshiro256StarStar(testSeed, threadSafe: false)));
    }

    private readonly record struct Stroke(double X0, double Y0, double X1, double Y1);

    private static Stroke[][] DesignClasses(RandomSource random)
    {
        var pool = new Stroke[StrokePoolSize];
        for (var i = 0; i < pool.Length; i++)
        {
            pool[i] = RandomStroke(random, low: 5, high: 23, minLength: 8, maxLength: 16);
        }

        var usedCombinations = new HashSet<int>();
        var classes = new Stroke[ClassCount][];
        for (var label = 0; label < ClassCount; label++)
        {
            int combination;
            do
            {
                combination = 0;
                while (int.PopCount(combination) < StrokesPerClass)
                {
                    combination |= 1 << random.Next(StrokePoolSize);
                }
            }
            while (!usedCombinations.Add(combination));

            classes[label] = Enumerable.Range(0, StrokePoolSize).Where(i => (combination & (1 << i)) != 0).Select(i => pool[i]).ToArray();
        }

        return classes;
    }

    private static Dataset GenerateSet(string name, int count, Stroke[][] classStrokes, RandomSource random)
    {
        var pixels = new byte[count * FeatureCount];
        var labels = new byte[count];
        var image = new double[FeatureCount];
        for (var sample = 0; sample < count; sample++)
        {
            var label = sample % ClassCount;
            labels[sample] = (byte)label;
            DrawSample(image, classStrokes[label], random);
            var target = pixels.AsSpan(sample * FeatureCount, FeatureCount);
            for (var i = 0; i < FeatureCount; i++)
            {
                target[i] = (byte)(Math.Clamp(image[i], 0.0, 1.0) * 255.0 + 0.5);
            }
        }

        return Dataset.FromBytes(name, pixels, labels, FeatureCount, ClassCount);
    }

    private static void DrawSample(double[] image, Stroke[] strokes, RandomSource random)
    {
        Array.Clear(image);
        var shiftX = Uniform(random, -MaxShift, MaxShift);
        var shiftY = Uniform(random, -MaxShift, MaxShift);
        foreach (var stroke in strokes)
        {
            // Draw every random number even for a dropped stroke, so one choice does not shift the
            // random sequence of everything after it.
            var dropped = random.NextDouble() < StrokeDropProbability;
            var moved = new Stroke(
                stroke.X0 + shiftX + Uniform(random, -EndpointJitter, EndpointJitter),
                stroke.Y0 + shiftY + Uniform(random, -EndpointJitter, EndpointJitter),
                stroke.X1 + shiftX + Uniform(random, -EndpointJitter, EndpointJitter),
                stroke.Y1 + shiftY + Uniform(random, -EndpointJitter, EndpointJitter));
            var brightness = Uniform(random, 0.6, 1.0);
            if (!dropped)
            {
                DrawStroke(image, moved, brightness);
            }
        }

        var hasStray = random.NextDouble() < StrayStrokeProbability;
        var stray = RandomStroke(random, low: 2, high: ImageSide - 2, minLength: 5, maxLength: 12);
        var strayBrightness = Uniform(random, 0.6, 1.0);
        if (hasStray)
        {
            DrawStroke(image, stray, strayBrightness);
        }

        for (var i = 0; i < image.Length; i++)
        {
            image[i] += NoiseAmplitude * random.NextDouble();
        }
    }

    private static Stroke RandomStroke(RandomSource random, double low, double high, double minLength, double maxLength)
    {
        while (true)
        {
            var stroke = new Stroke(Uniform(random, low, high), Uniform(random, low, high), Uniform(random, low, high), Uniform(random, low, high));
            var lengthSquared = Square(stroke.X1 - stroke.X0) + Square(stroke.Y1 - stroke.Y0);
            if (lengthSquared >= minLength * minLength && lengthSquared <= maxLength * maxLength)
            {
                return stroke;
            }
        }
    }

    private static void DrawStroke(double[] image, Stroke stroke, double brightness)
    {
        var dx = stroke.X1 - stroke.X0;
        var dy = stroke.Y1 - stroke.Y0;
        var lengthSquared = dx * dx + dy * dy;
        var (xFrom, xTo) = PixelRange(Math.Min(stroke.X0, stroke.X1), Math.Max(stroke.X0, stroke.X1));
        var (yFrom, yTo) = PixelRange(Math.Min(stroke.Y0, stroke.Y1), Math.Max(stroke.Y0, stroke.Y1));
        for (var y = yFrom; y <= yTo; y++)
        {
            for (var x = xFrom; x <= xTo; x++)
            {
                var along = Math.Clamp(((x - stroke.X0) * dx + (y - stroke.Y0) * dy) / lengthSquared, 0.0, 1.0);
                var distanceSquared = Square(x - (stroke.X0 + along * dx)) + Square(y - (stroke.Y0 + along * dy));
                if (distanceSquared < PenRadius * PenRadius)
                {
                    var value = brightness * Square(1.0 - distanceSquared / (PenRadius * PenRadius));
                    var pixel = y * ImageSide + x;
                    image[pixel] = Math.Max(image[pixel], value);
                }
            }
        }
    }

    // Pixels whose centre may lie within the pen radius of [low, high], kept inside the image.
    private static (int From, int To) PixelRange(double low, double high) =>
        (Math.Max(0, (int)Math.Floor(low - PenRadius)), Math.Min(ImageSide - 1, (int)Math.Ceiling(high + PenRadius)));

    private static double Uniform(RandomSource random, double low, double high) => low + (high - low) * random.NextDouble();

    private static double Square(double value) => value * value;
}
