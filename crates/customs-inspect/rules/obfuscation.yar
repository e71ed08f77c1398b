// Obfuscation that a regular expression can see. Entropy, encoded blobs, char-code arrays,
// `_0x` identifiers and minified code are measured in Rust (see the crate docs).

rule js_string_array_rotation {
    meta:
        id = "js-string-array-rotation"
        description = "javascript-obfuscator's string-array rotation: a loop that shifts an array of strings until a checksum matches"
        category = "obfuscation"
        severity = "medium"
        signal = "obfuscated"
    strings:
        $push_shift = /\[['"]push['"]\]\s*\(\s*_?\w+\[['"]shift['"]\]\s*\(\s*\)\s*\)|\.push\s*\(\s*_0x[0-9a-f]{4,6}\.shift\s*\(\s*\)\s*\)/
        $loop = /while\s*\(\s*!!\s*\[\s*\]\s*\)/
        $parse = /parseInt\s*\(\s*_0x[0-9a-f]{4,6}\s*\(\s*0x[0-9a-f]+/
    condition:
        $push_shift or ($loop and $parse)
}

rule pyarmor {
    meta:
        id = "pyarmor"
        description = "code packed by PyArmor (an encrypted byte-code runtime)"
        category = "obfuscation"
        severity = "medium"
        signal = "obfuscated"
    strings:
        $a = /\b__pyarmor__\s*\(|\bpyarmor_runtime(_\d+)?\b|\bfrom\s+pytransform\s+import\s+pyarmor/
    condition:
        $a
}

rule python_code_object_loader {
    meta:
        id = "python-code-object-loader"
        description = "builds code objects from serialised byte code (marshal.loads, types.CodeType) to hide the source"
        category = "obfuscation"
        severity = "medium"
        signal = "obfuscated"
    strings:
        $a = /\bexec\s*\(\s*marshal\.loads\s*\(/
        $b = /\btypes\.CodeType\s*\(/
        $c = /\bmarshal\.loads\s*\(\s*(b['"]|zlib\.decompress|base64)/
    condition:
        any of them
}

rule js_hex_escaped_strings {
    meta:
        id = "js-hex-escaped-strings"
        description = "many strings written entirely as hexadecimal escapes (backslash, x, two digits), which hide names such as require or child_process"
        category = "obfuscation"
        severity = "medium"
        signal = "obfuscated"
    strings:
        $a = /['"](\\x[0-9a-fA-F]{2}){6,}['"]/
    condition:
        #a >= 8 and (file_extension == "js" or file_extension == "cjs" or file_extension == "mjs" or
        file_extension == "ts" or file_extension == "")
}
