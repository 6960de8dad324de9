# A Debian system with everything litgan needs, for macOS, Windows or any other Linux.
# From the folder of litgan (README.md, "Set up"):
#   docker build -t litgan . && docker run --rm -it -v "$PWD":/litgan litgan
# The image holds the packages only (core/deps.sh installs them); the folder is shared.
FROM debian:bookworm-slim
COPY core/deps.sh /tmp/deps.sh
RUN sh /tmp/deps.sh && rm -rf /var/lib/apt/lists/* /tmp/deps.sh
WORKDIR /litgan
CMD ["bash"]
