package app.hearth.room.library;

import app.hearth.platform.problem.ProblemType;

/** The exercise library's named errors; slugs are part of the public contract. */
public final class LibraryProblems {

    private LibraryProblems() {
    }

    public static final ProblemType EXERCISE_NOT_FOUND = new ProblemType("exercise-not-found", 404, "No such exercise");
    public static final ProblemType READ_ONLY = new ProblemType("exercise-read-only", 409,
            "This exercise cannot be changed by you (starter items are read-only: clone them)");
    public static final ProblemType INVALID_EXERCISE = new ProblemType("invalid-exercise", 400, "The exercise is not valid");
    public static final ProblemType AUDIO_NOT_FOUND = new ProblemType("audio-not-found", 404, "No such audio file");
    public static final ProblemType UNSUPPORTED_AUDIO = new ProblemType("unsupported-audio", 415,
            "Upload MP3, Ogg (Vorbis or Opus), WAV, WebM or M4A audio");
    public static final ProblemType AUDIO_TOO_LARGE = new ProblemType("audio-too-large", 413, "The audio file is too large");
    public static final ProblemType RANGE_NOT_SATISFIABLE = new ProblemType("range-not-satisfiable", 416,
            "The requested byte range is not in the file");
}
