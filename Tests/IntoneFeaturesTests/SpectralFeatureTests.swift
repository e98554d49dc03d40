import Testing
import IntoneFeatures
import IntoneFormats
#if canImport(Glibc)
import Glibc
#endif

struct SpectralFeatureTests {
    @Test func measure() throws {
        for stem in Fixtures.stems {
            let y = try Fixtures.loadedSamples(stem)
            let mag = try spectrogram(y, parameters: STFTParameters(), power: 1)
            let pow2 = try spectrogram(y, parameters: STFTParameters(), power: 2)
            func report(_ what: String, _ ours: FeatureMatrix, floor: Float = 1e-12) throws {
                let ref = try Fixtures.reference(stem, what)
                let shapeOK = [ours.rows, ours.frames] == ref.shape
                let absd = maxAbsDifference(ours.values, ref.values)
                let reld = maxRelativeDifference(ours.values, ref.values, floor: floor)
                let exact = zip(ours.values, ref.values).filter { $0 != $1 }.count
                print("MEASURE \(stem) \(what) shape \(shapeOK) abs \(absd) rel \(reld) mismatches \(exact)/\(ref.values.count) refmax \(ref.values.map(abs).max()!)")
            }
            try report("zcr", zeroCrossingRate(y))
            try report("rms", rootMeanSquare(y))
            try report("centroid", spectralCentroid(magnitude: mag, sampleRate: 22050, nFFT: 2048))
            try report("bandwidth", spectralBandwidth(magnitude: mag, sampleRate: 22050, nFFT: 2048))
            let t = estimateTuning(power: pow2, sampleRate: 22050, nFFT: 2048)
            print("MEASURE \(stem) tuning ours \(t) ref \(try Fixtures.reference(stem, "tuning").values)")
            try report("chroma", chroma(power: pow2, sampleRate: 22050, nFFT: 2048))
            let refT = Double(try Fixtures.reference(stem, "tuning").values[0])
            try report("chroma", chroma(power: pow2, sampleRate: 22050, nFFT: 2048, tuning: (refT * 100).rounded() / 100))
            let mfcc = try Fixtures.reference(stem, "mfcc")
            let m = FeatureMatrix(rows: mfcc.shape[0], frames: mfcc.shape[1], values: mfcc.values)
            try report("mfcc_delta", delta(m))
            try report("mfcc_delta2", delta(m, order: 2))
            try report("ber", bandEnergyRatio(power: pow2, sampleRate: 22050, nFFT: 2048))
            let ber = bandEnergyRatio(power: pow2, sampleRate: 22050, nFFT: 2048)
            let refB = try Fixtures.reference(stem, "ber")
            print("MEASURE \(stem) ber log10 abs \(maxAbsDifference(ber.values.map { log10($0) }, refB.values.map { log10($0) })) min \(refB.values.min()!)")
        }
        for (name, t) in [("chroma_fb_22050_2048", 0.0), ("chroma_fb_22050_2048_t-0.1", -0.1)] {
            let ref = try Fixtures.reference(name)
            let ours = ChromaFilterbank(sampleRate: 22050, nFFT: 2048, tuning: t).weights
            print("MEASURE \(name) shape \(ref.shape) abs \(maxAbsDifference(ours.values, ref.values)) rel \(maxRelativeDifference(ours.values, ref.values)) mismatches \(zip(ours.values, ref.values).filter { $0 != $1 }.count)")
        }
    }
}
