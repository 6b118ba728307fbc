using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Chromium;

namespace HttpRaft.EndToEnd.Tests.Dashboard;

/// <summary>
/// A headless Chromium driven over WebDriver: Debian's <c>chromium</c> and <c>chromium-driver</c> (which
/// <c>.ci/run</c> installs), never a downloaded browser. <c>CHROME_BIN</c> and <c>CHROMEDRIVER</c> override the paths.
/// Screenshots go to <c>TestResults/dashboard/</c> under the repository (or <c>HTTPRAFT_ARTIFACTS</c>).
/// </summary>
internal sealed class Browser : IDisposable
{
    private readonly ChromeDriver driver;
    private readonly string profile;

    private Browser(ChromeDriver driver, string profile)
    {
        this.driver = driver;
        this.profile = profile;
    }

    public IWebDriver Driver => driver;

    /// <summary>Where screenshots are saved.</summary>
    public static string Artifacts { get; } = Environment.GetEnvironmentVariable("HTTPRAFT_ARTIFACTS") is { Length: > 0 } path
        ? path
        : Path.Combine(Repository.Root, "TestResults", "dashboard");

    /// <summary>Starts a browser whose window is <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    public static Browser Start(int width, int height)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROME_BIN") is { Length: > 0 } bin ? bin : "/usr/bin/chromium";
        var chromedriver = Environment.GetEnvironmentVariable("CHROMEDRIVER") is { Length: > 0 } drv ? drv : "/usr/bin/chromedriver";
        if (!File.Exists(chromium) || !File.Exists(chromedriver))
        {
            Assert.Fail($"Chromium ({chromium}) or ChromeDriver ({chromedriver}) is missing: apt-get install chromium chromium-driver (.ci/run does).");
        }
        var profile = TempDirectory.Create("chromium");
        var options = new ChromeOptions { BinaryLocation = chromium };
        // The flags that work on this machine's closed network (no background connections, no sandbox as root).
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            $"--user-data-dir={profile}", $"--window-size={Math.Max(width, 800)},{height}", "--hide-scrollbars");
        // A headless window is at least 500 px wide: a phone's viewport is emulated instead.
        if (width < 800) options.EnableMobileEmulation(new ChromiumMobileEmulationDeviceSettings { Width = width, Height = height, PixelRatio = 2, UserAgent = "Mozilla/5.0 (Linux; Android 14) Mobile" });
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        return new Browser(driver, profile);
    }

    /// <summary>Saves what the page shows now as <c>{name}.png</c> among the artefacts; returns its path.</summary>
    public string Screenshot(string name)
    {
        Directory.CreateDirectory(Artifacts);
        var path = Path.Combine(Artifacts, $"{name}.png");
        driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Polls the page until <paramref name="probe"/> returns a value; fails with <paramref name="what"/> and a screenshot at the deadline.</summary>
    public async Task<T> UntilAsync<T>(Func<IWebDriver, T?> probe, string what, TimeSpan timeout)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (probe(driver) is { } value) return value;
            }
            catch (Exception e) when (e is StaleElementReferenceException or NoSuchElementException or FormatException)
            {
                // The page re-rendered between finding an element and reading it: look again.
            }
            if (clock.Elapsed > timeout)
            {
                var shot = Screenshot($"timeout-{DateTime.UtcNow:HHmmss}");
                throw new TimeoutException($"The dashboard did not show {what} within {timeout.TotalSeconds:0} s (screenshot: {shot}).");
            }
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        driver.Quit();
        driver.Dispose();
        TempDirectory.Delete(profile);
    }
}
